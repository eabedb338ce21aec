#!/usr/bin/env bash
# make-large-video.sh BYTES OUT: a large video for memory measurements (the bench's large-file row): 1080p at
# 10 fps H.264 (intra-heavy, CAVLC) at ~270 Mbit/s — heavy temporal noise over three scenes (moving test
# pattern, colour bars, plain colour; a hard cut every 5 s) — with a 16 kHz mono AAC tone. One 15 s period
# (~0.5 GB) is encoded, then repeated by stream copy until the file holds at least BYTES, so a 4.3 GB file is
# ~2.5 minutes of video and takes well under a minute to make. Bytes, not length, make it large: its
# sample offsets pass 2^32 (co64 chunk offsets) and its decode is bounded by the bitrate. Writes OUT.partial,
# then renames it.
set -Eeuo pipefail
bytes="$1" out="$2"
[[ "$bytes" =~ ^[0-9]+$ && "$bytes" -gt 0 ]] || { echo "make-large-video: BYTES must be a whole number > 0" >&2; exit 1; }
command -v ffmpeg >/dev/null 2>&1 || { echo "make-large-video: ffmpeg not found on PATH (apt-get install -y ffmpeg)" >&2; exit 1; }
ff() { ffmpeg -hide_banner -nostdin -loglevel error -y "$@"; }

period="$out.period.mp4"
trap 'rm -f "$period" "$out.partial"' EXIT
size=1920x1080 fps=10 scene=5 period_s=15
ff -f lavfi -i "testsrc2=size=$size:rate=$fps:duration=$scene" \
  -f lavfi -i "smptebars=size=$size:rate=$fps:duration=$scene" \
  -f lavfi -i "color=c=0x8a2be2:size=$size:rate=$fps:duration=$scene" \
  -f lavfi -i "sine=frequency=440:sample_rate=16000:duration=$period_s" \
  -filter_complex "[0:v][1:v][2:v]concat=n=3:v=1:a=0,noise=alls=40:allf=t,setsar=1,format=yuv420p[v]" \
  -map "[v]" -map 3:a -c:v libx264 -preset ultrafast -qp 12 -g 20 -c:a aac -b:a 24k -ac 1 -t "$period_s" -f mp4 "$period"
period_bytes=$(stat -c %s "$period")
# Whole periods, so the file ends on a scene boundary and every repetition starts on a keyframe with the first scene.
repeats=$(( (bytes + period_bytes - 1) / period_bytes ))
ff -stream_loop -1 -i "$period" -t $(( repeats * period_s )) -c copy -movflags +faststart -f mp4 "$out.partial"
mv "$out.partial" "$out"
