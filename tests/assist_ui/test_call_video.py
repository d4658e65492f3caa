# SPDX-License-Identifier: Apache-2.0
"""The call's video pacing (screens/assist_video.py): redraws are paced to the draw rate, but
the first frame of each video in a call is drawn on the next frame of the UI, not held back
behind the self-view's paced redraws (issue 17: consent → first helper frame)."""
from __future__ import annotations

from kivy.clock import Clock

from screens.assist_video import CallVideo


def ticks(n: int = 3) -> None:
    for _ in range(n):
        Clock.tick()


def test_the_helpers_first_frame_is_not_held_behind_the_paced_self_view():
    drawn: list[dict] = []
    video = CallVideo(0.5, drawn.append)          # one redraw every 2 s: pacing would be obvious
    video.put("local", "self-1")
    ticks()
    assert drawn == [{"local": "self-1"}]         # a video's first frame: drawn at once
    for n in (2, 3):                              # steady pace: the video's period is spent
        video.put("local", f"self-{n}")
        ticks()
    assert drawn[-1] != {"local": "self-3"}       # self-3 waits for its period
    paced = len(drawn)
    video.put("remote", "helper-1")
    ticks()
    assert drawn[-1] == {"local": "self-3", "remote": "helper-1"}   # the helper at once, with the newest self-view
    video.put("remote", "helper-2")
    ticks()
    assert len(drawn) == paced + 1                # later helper frames are paced again


def test_a_new_call_shows_its_first_frames_at_once_again():
    drawn: list[dict] = []
    video = CallVideo(0.5, drawn.append)
    video.put("remote", "call-1")
    ticks()
    video.clear()                                 # the call ends
    video.put("remote", "call-2")
    ticks()
    assert drawn == [{"remote": "call-1"}, {"remote": "call-2"}]
