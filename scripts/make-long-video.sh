#!/usr/bin/env bash
# make-long-video.sh SECONDS OUT: a long, tiny video for memory measurements (the bench's 10 min / 1 h / 3 h rows
# and the CI long-file test). 160x90 at 2 fps H.264 + a 16 kHz mono AAC tone: three scenes a minute (a hard cut
# every 20 s: moving test pattern, colour bars, plain colour). One 60 s period is encoded, then repeated by stream
# copy, so a 3-hour file takes seconds to make and is ~25 MB. Writes OUT.partial, then renames it.
set -Eeuo pipefail
seconds="$1" out="$2"
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "make-long-video: SECONDS must be a whole number > 0" >&2; exit 1; }
command -v ffmpeg >/dev/null 2>&1 || { echo "make-long-video: ffmpeg not found on PATH (apt-get install -y ffmpeg)" >&2; exit 1; }
ff() { ffmpeg -hide_banner -nostdin -loglevel error -y "$@"; }

period="$out.period.mp4"
trap 'rm -f "$period" "$out.partial"' EXIT
size=160x90 fps=2
ff -f lavfi -i "testsrc2=size=$size:rate=$fps:duration=20" \
  -f lavfi -i "smptebars=size=$size:rate=$fps:duration=20" \
  -f lavfi -i "color=c=0x8a2be2:size=$size:rate=$fps:duration=20" \
  -f lavfi -i "sine=frequency=440:sample_rate=16000:duration=60" \
  -filter_complex "[0:v][1:v][2:v]concat=n=3:v=1:a=0,setsar=1,format=yuv420p[v]" \
  -map "[v]" -map 3:a -c:v libx264 -preset veryfast -g 40 -c:a aac -b:a 24k -ac 1 -t 60 -f mp4 "$period"
# Stream copy of the period, looped: each repetition starts on a keyframe with the first scene (a cut from the last).
ff -stream_loop -1 -i "$period" -t "$seconds" -c copy -movflags +faststart -f mp4 "$out.partial"
mv "$out.partial" "$out"
