// SPDX-License-Identifier: Apache-2.0
// Helper console: the call's video (WebRTC). console.js calls HelperCall.start on
// "connected", HelperCall.signal for every kiosk "signal", and HelperCall.stop when
// the call ends. The kiosk is always the offerer with three m-lines
// (docs/assist-protocol.md): camera sendrecv, audio sendrecv, screen sendonly.
"use strict";

const HelperCall = (() => {
  const el = (id) => document.getElementById(id);
  let pc = null;
  let local = null;            // my camera + microphone
  let sendSignal = null;
  let labels = {};             // mid -> "camera" | "audio" | "screen", from the offer
  let chain = Promise.resolve();
  let warming = null;          // my camera opening while the console rings
  let wanted = 0;              // bumps when my camera must close: a late getUserMedia is dropped

  function status(text) {
    el("media-state").textContent = text || "";
    el("media-state").hidden = !text;
  }

  async function openMedia() {
    if (local) { el("self-view").srcObject = local; return; }
    const mine = wanted;
    let got;
    try {
      // at most 15 frames a second: the kiosk draws no more (7.5 on software GL), and every frame
      // sent is received and decoded by the kiosk's media child (a 30 fps webcam: twice the cost)
      got = await navigator.mediaDevices.getUserMedia({
        video: { width: 640, height: 480, frameRate: { ideal: 15, max: 15 } }, audio: true });
    } catch (err) {
      got = new MediaStream();
      status(T("未能打开本机摄像头或麦克风：群众看不到或听不到您，可用文字交流"));
    }
    if (mine !== wanted) { got.getTracks().forEach((t) => t.stop()); return; }   // the ring went away
    local = got;
    el("self-view").srcObject = local;
  }

  // While the console rings, my camera and microphone open already: a webcam takes 0.3–1 s to
  // start, which would otherwise hold up the first picture the citizen sees after 接听. A ring
  // that is not taken (declined, cancelled, timed out) closes them again.
  function warm() {
    if (!local && !warming) warming = openMedia().finally(() => { warming = null; });
  }

  function cool() {
    if (!pc) stopLocal();
  }

  function stopLocal() {
    wanted += 1;
    if (local) local.getTracks().forEach((t) => t.stop());   // camera light off between calls
    local = null;
    const self = el("self-view");
    if (self) self.srcObject = null;
  }

  function start(m, send) {
    closePeer();
    sendSignal = send;
    labels = {};
    // Exactly the hub's list: [] means host candidates only, never a public STUN server.
    pc = new RTCPeerConnection({ iceServers: m.ice_servers || [] });
    pc.onicecandidate = (ev) => send({ candidate: ev.candidate ? ev.candidate.toJSON() : null });
    pc.ontrack = attach;
    pc.onconnectionstatechange = () => {
      if (!pc) return;
      if (pc.connectionState === "failed") status(T("视频连接失败，可继续文字交流或结束通话"));
      if (pc.connectionState === "disconnected") status(T("视频连接中断，正在恢复…"));
      if (pc.connectionState === "connected") status("");
    };
    status(T("正在连接视频…"));
    chain = warming || openMedia();     // before answering: the answer carries my tracks
  }

  function attach(ev) {
    const label = labels[ev.transceiver.mid] || (ev.track.kind === "audio" ? "audio" : "camera");
    const target = { screen: "kiosk-screen", audio: "remote-audio" }[label] || "kiosk-camera";
    const media = el(target);
    media.srcObject = new MediaStream([ev.track]);
    // Remote audio is only decoded when an element plays it.
    const played = media.play();
    if (played) played.catch(() => {});
  }

  function signal(data) {
    chain = chain.then(() => handle(data)).catch((err) => {
      console.error("call signal", err);
      status(T("视频连接出错，可继续文字交流或结束通话"));
    });
  }

  async function handle(data) {
    if (!pc || !data) return;
    if (data.sdp && data.sdp.type === "offer") {
      labels = data.tracks || {};
      await pc.setRemoteDescription(data.sdp);
      for (const t of pc.getTransceivers()) {
        const label = labels[t.mid];
        const mine = label === "camera" ? local.getVideoTracks()[0]
          : label === "audio" ? local.getAudioTracks()[0] : null;
        if (mine) {
          t.direction = "sendrecv";
          await t.sender.replaceTrack(mine);
        }
      }
      await pc.setLocalDescription(await pc.createAnswer());
      sendSignal({ sdp: { type: "answer", sdp: pc.localDescription.sdp } });
    } else if (data.candidate) {
      await pc.addIceCandidate(data.candidate);
    }
  }

  function closePeer() {
    if (pc) { pc.ontrack = pc.onicecandidate = pc.onconnectionstatechange = null; pc.close(); }
    pc = null;
    sendSignal = null;
    for (const id of ["kiosk-screen", "kiosk-camera", "remote-audio"]) {
      const media = el(id);
      if (media) media.srcObject = null;
    }
    chain = Promise.resolve();
  }

  function stop() {
    closePeer();
    stopLocal();
  }

  return { start, signal, stop, warm, cool, get pc() { return pc; }, get local() { return local; } };
})();
window.HelperCall = HelperCall;
