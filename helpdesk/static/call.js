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

  function status(text) {
    el("media-state").textContent = text || "";
    el("media-state").hidden = !text;
  }

  async function openMedia() {
    try {
      local = await navigator.mediaDevices.getUserMedia({
        video: { width: 640, height: 480, frameRate: 15 }, audio: true });
    } catch (err) {
      local = new MediaStream();
      status("未能打开本机摄像头或麦克风：群众看不到或听不到您，可用文字交流");
    }
    el("self-view").srcObject = local;
  }

  function start(m, send) {
    stop();
    sendSignal = send;
    labels = {};
    // Exactly the hub's list: [] means host candidates only, never a public STUN server.
    pc = new RTCPeerConnection({ iceServers: m.ice_servers || [] });
    pc.onicecandidate = (ev) => send({ candidate: ev.candidate ? ev.candidate.toJSON() : null });
    pc.ontrack = attach;
    pc.onconnectionstatechange = () => {
      if (!pc) return;
      if (pc.connectionState === "failed") status("视频连接失败，可继续文字交流或结束通话");
      if (pc.connectionState === "disconnected") status("视频连接中断，正在恢复…");
      if (pc.connectionState === "connected") status("");
    };
    status("正在连接视频…");
    chain = openMedia();     // before answering: the answer carries my tracks
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
      status("视频连接出错，可继续文字交流或结束通话");
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

  function stop() {
    if (pc) { pc.ontrack = pc.onicecandidate = pc.onconnectionstatechange = null; pc.close(); }
    pc = null;
    sendSignal = null;
    for (const id of ["kiosk-screen", "kiosk-camera", "remote-audio", "self-view"]) {
      const media = el(id);
      if (media) media.srcObject = null;
    }
    if (local) local.getTracks().forEach((t) => t.stop());   // camera light off between calls
    local = null;
    chain = Promise.resolve();
  }

  return { start, signal, stop, get pc() { return pc; } };
})();
window.HelperCall = HelperCall;
