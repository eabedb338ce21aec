#!/usr/bin/env bash
# Generates the media test fixtures into tests/fixtures/generated/ (git-ignored) with Debian ffmpeg.
#
# Idempotent: a fixture that already exists is kept. When this script changes, every fixture it makes is
# rebuilt (a stamp of the script is stored beside them), so an edited recipe never leaves a stale file.
# Each file is written under a temporary name and renamed when complete, so an interrupted run is never
# mistaken for a finished one.
#
# truth.json records what the scene detector must find: hard cuts (seconds) and durations.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/tests/fixtures/generated"
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

fail() { echo "make-fixtures: $*" >&2; exit 1; }
command -v ffmpeg >/dev/null 2>&1 || fail "ffmpeg not found on PATH. Install it: apt-get install -y ffmpeg fonts-dejavu-core"
[[ -f "$FONT" ]] || fail "font $FONT not found. Install it: apt-get install -y fonts-dejavu-core"

FIXTURES=(cuts-a.mp4 cuts-b.mp4 bench-720p-60s.mp4 faces-text.mp4 cutaways.mp4 empty.mp4 truncated.mp4 notes.mov audio-only.m4a huge-resolution.mp4 long-1m.mp4 long-1h.mp4 truth.json)

mkdir -p "$OUT"
stamp="$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)"
if [[ "$(cat "$OUT/.recipe-stamp" 2>/dev/null || true)" != "$stamp" ]]; then
  for name in "${FIXTURES[@]}"; do rm -f "$OUT/$name"; done
  echo "$stamp" >"$OUT/.recipe-stamp"
fi

ff() { ffmpeg -hide_banner -nostdin -loglevel error -y "$@"; }

# build NAME RECIPE: runs `RECIPE <temp path>` unless NAME exists, then renames the result into place.
# The recipe runs as a plain command so that `set -e` stops at its first failing step (inside `cmd || ...`
# bash would ignore -e); the ERR trap names the fixture, and a leftover .partial.* file is overwritten next run.
making=""
trap '[[ -n "$making" ]] && echo "make-fixtures: FAILED while making $making (see the ffmpeg error above)" >&2' ERR
build() {
  local name="$1" recipe="$2" tmp="$OUT/.partial.$1"
  if [[ -e "$OUT/$name" ]]; then
    printf '  kept  %-22s %10s bytes\n' "$name" "$(stat -c %s "$OUT/$name")"
    return
  fi
  rm -f "$tmp"
  making="$name"
  "$recipe" "$tmp"
  making=""
  mv "$tmp" "$OUT/$name"
  printf '  made  %-22s %10s bytes\n' "$name" "$(stat -c %s "$OUT/$name")"
}

# scenes_video OUT FPS WxH AUDIO_HZ PROFILE "lavfi source|seconds|label" ...
# Concatenates lavfi sources into one H.264 + AAC mp4: each boundary is a hard cut at the exact frame
# (durations are whole frames at FPS). The label is burnt in so a human can tell the scenes apart.
scenes_video() {
  local out="$1" fps="$2" size="$3" hz="$4" profile="$5"; shift 5
  local inputs=() chains="" labels="" total=0 i=0 spec src dur label
  for spec in "$@"; do
    IFS='|' read -r src dur label <<<"$spec"
    # trim inside the source graph: every input is finite, so ffmpeg never buffers frames of later scenes.
    inputs+=(-f lavfi -i "$src,trim=duration=$dur")
    chains+="[$i:v]fps=$fps,scale=$size,setsar=1,format=yuv420p,"
    chains+="drawtext=fontfile=$FONT:text='$label':x=16:y=16:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8[v$i];"
    labels+="[v$i]"
    total=$(awk -v a="$total" -v b="$dur" 'BEGIN { print a + b }')
    i=$((i + 1))
  done
  ff "${inputs[@]}" -f lavfi -i "sine=frequency=$hz:sample_rate=44100:duration=$total" \
    -filter_complex "${chains}${labels}concat=n=$i:v=1:a=0[v]" \
    -map "[v]" -map "$i:a" -c:v libx264 -preset veryfast -profile:v "$profile" -pix_fmt yuv420p -g $((fps * 2)) \
    -c:a aac -b:a 64k -t "$total" -f mp4 "$out"
}

# The game of life changes almost every cell in its first generations (scene score ~0.4 on frame 1, a false
# cut): start it 2 s in.
LIFE_SETTLED="life=seed=42"
SKIP_2S=",trim=start=2,setpts=PTS-STARTPTS"

# 12 s, 640x360 @ 25 fps; cuts at 4 s and 8 s between clearly different scenes.
cuts_a() {
  scenes_video "$1" 25 640x360 440 high \
    "testsrc2=size=640x360:rate=25|4|cuts-a scene 1" \
    "smptehdbars=size=640x360:rate=25|4|cuts-a scene 2" \
    "mandelbrot=size=640x360:rate=25|4|cuts-a scene 3"
}

# 10 s, 640x360 @ 30 fps; cuts at 3 s and 6.5 s. The second cut is between two similar-looking scenes
# (SMPTE HD bars -> SMPTE bars); its scene score at 320 px wide is ~0.48, safely above the 0.3 threshold.
# (A hue-rotated copy of the same picture scored < 0.1 and two flat colours ~0.33: too close to use as truth.)
cuts_b() {
  scenes_video "$1" 30 640x360 660 main \
    "$LIFE_SETTLED:size=160x90:rate=30:mold=10:ratio=0.2:death_color=#203040:life_color=#e0c060$SKIP_2S|3|cuts-b scene 1" \
    "smptehdbars=size=640x360:rate=30|3.5|cuts-b scene 2" \
    "smptebars=size=640x360:rate=30|3.5|cuts-b scene 3"
}

# 60 s, 1280x720 @ 25 fps H.264 High + AAC; cuts at 10/20/30/40/50 s. Heavy sources are rendered small and
# scaled up so the script stays fast. Sources whose every frame moves a lot (cellauto, sierpinski) are avoided:
# they mask the cut in ffmpeg's scene score (a cellauto -> gradients cut scored 0.12).
# The last scene is a light plain frame: after the moving gradients, a colour chart scored 0.29–0.40 against
# the 0.3 scene threshold from one encode to the next, a flaky cut. The gradients are two fixed dark colours:
# Debian's ffmpeg draws `gradients` differently on every run even with a seed (three runs, three different
# frames), and with random colours the cut into the light frame scored 0.29 on one clean-clone run and 0.50 on
# another; dark against light it scores 0.68 every time.
bench_720p() {
  scenes_video "$1" 25 1280x720 330 high \
    "mandelbrot=size=320x180:rate=25|10|bench scene 1" \
    "testsrc2=size=1280x720:rate=25|10|bench scene 2" \
    "$LIFE_SETTLED:size=320x180:rate=25:mold=10:ratio=0.3:death_color=#102018:life_color=#80f0a0$SKIP_2S|10|bench scene 3" \
    "smptehdbars=size=1280x720:rate=25|10|bench scene 4" \
    "gradients=size=640x360:rate=25:speed=0.02:c0=0x102040:c1=0x402010:nb_colors=2:seed=7|10|bench scene 5" \
    "color=c=0xf0f0e0:size=1280x720:rate=25|10|bench scene 6"
}

empty() { : >"$1"; }

# The first 30% of an mp4 whose moov atom is at the end (ffmpeg's default): no index, so nothing can be read.
truncated() {
  local whole="$OUT/.partial.whole.mp4"
  ff -f lavfi -i "testsrc2=size=640x360:rate=25:duration=4" -c:v libx264 -preset veryfast -pix_fmt yuv420p -f mp4 "$whole"
  head -c $(($(stat -c %s "$whole") * 30 / 100)) "$whole" >"$1"
  rm -f "$whole"
  if ffmpeg -hide_banner -nostdin -loglevel error -i "$1" -f null - 2>/dev/null; then
    fail "truncated.mp4 is still readable by ffmpeg"
  fi
}

# 12 s, 1280x720 @ 25 fps for the model stages: real people (face-api's sample photos, 3 and 4 faces),
# then a title card with on-screen text (over a gradient with a fixed seed: gradients picks random end points otherwise), cuts at 4 s and 8 s. No burnt-in labels: they would be read as text.
FACE_PHOTOS="$ROOT/node_modules/@vladmandic/face-api/demo"
faces_text() {
  [[ -f "$FACE_PHOTOS/sample1.jpg" ]] || fail "face-api sample photos not found in $FACE_PHOTOS: run npm install first"
  local fit="scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=25,format=yuv420p"
  ff -loop 1 -t 4 -i "$FACE_PHOTOS/sample1.jpg" \
    -f lavfi -i "gradients=size=1280x720:rate=25:c0=0x1e3a8a:c1=0x0f766e:seed=11:duration=4" \
    -loop 1 -t 4 -i "$FACE_PHOTOS/sample4.jpg" \
    -f lavfi -i "sine=frequency=330:sample_rate=44100:duration=12" \
    -filter_complex "[0:v]$fit[a];[2:v]$fit[c];[1:v]setsar=1,fps=25,format=yuv420p,\
drawtext=fontfile=$FONT:text='QUARTERLY REVENUE 2026':x=(w-text_w)/2:y=260:fontsize=72:fontcolor=white,\
drawtext=fontfile=$FONT:text='Meeting with Alice in Berlin':x=(w-text_w)/2:y=400:fontsize=44:fontcolor=0xfde68a[b];\
[a][b][c]concat=n=3:v=1:a=0[v]" \
    -map "[v]" -map 3:a -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 50 -c:a aac -b:a 64k -t 12 -f mp4 "$1"
}

# 16 s, 1280x720 @ 25 fps: keyframes that repeat one another, as an interview's do. Shot A (a photo of three
# people with a caption) is cut by a 3-frame white flash at 4 s (the scene after it opens with A again: the
# flash is too short to be a scene), then a title card B at 8 s, then A again at 12 s. The scenes' keyframes
# show A, A, B, A: the ML worker analyses A and B once and copies A's text and faces to the other two.
cutaways() {
  local fit="scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=25,format=yuv420p,\
drawtext=fontfile=$FONT:text='Interview with Dana Whitfield':x=(w-text_w)/2:y=640:fontsize=40:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=10"
  ff -loop 1 -t 4 -i "$FACE_PHOTOS/sample2.jpg" \
    -f lavfi -i "color=c=white:size=1280x720:rate=25:duration=0.12" \
    -loop 1 -t 3.88 -i "$FACE_PHOTOS/sample2.jpg" \
    -f lavfi -i "gradients=size=1280x720:rate=25:c0=0x7c2d12:c1=0x1e3a8a:seed=5:duration=4" \
    -loop 1 -t 4 -i "$FACE_PHOTOS/sample2.jpg" \
    -f lavfi -i "sine=frequency=550:sample_rate=44100:duration=16" \
    -filter_complex "[0:v]$fit[a];[1:v]setsar=1,fps=25,format=yuv420p[w];[2:v]$fit[a2];[4:v]$fit[a3];\
[3:v]setsar=1,fps=25,format=yuv420p,drawtext=fontfile=$FONT:text='HARBOUR REPORT 2026':x=(w-text_w)/2:y=320:fontsize=72:fontcolor=white[b];\
[a][w][a2][b][a3]concat=n=5:v=1:a=0[v]" \
    -map "[v]" -map 5:a -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 50 -c:a aac -b:a 64k -t 16 -f mp4 "$1"
}

notes() {
  printf '%s\n' "Meeting notes, 12 March" "- buy milk" "- call Alice about the holiday videos" \
    "This is a plain text file renamed to .mov: Heimdex must refuse it with a clear message." >"$1"
}

audio_only() {
  ff -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=3" -c:a aac -b:a 64k -f ipod "$1"
}

# 10000x240: small in bytes, but wider than the 8192 px Heimdex accepts.
huge_resolution() {
  ff -f lavfi -i "color=c=0x336699:size=10000x240:rate=5:duration=1" -c:v libx264 -preset veryfast -pix_fmt yuv420p -f mp4 "$1"
}

# 1 minute and 1 hour of the long-file recipe (160x90, 2 fps, a cut every 20 s, a tone; 0.3 MB and 16 MB, made in
# about a second by stream copy): the CI memory test indexes both and compares their peaks. (At 10 minutes a whole
# audio track was still smaller than the fixed cost of the video engine: no growth showed.)
long_1m() { bash "$ROOT/scripts/make-long-video.sh" 60 "$1"; }
long_1h() { bash "$ROOT/scripts/make-long-video.sh" 3600 "$1"; }

truth() {
  cat >"$1" <<'JSON'
{
  "cuts-a.mp4": { "cuts": [4, 8], "durationS": 12, "width": 640, "height": 360, "fps": 25, "audio": true },
  "cuts-b.mp4": { "cuts": [3, 6.5], "durationS": 10, "width": 640, "height": 360, "fps": 30, "audio": true },
  "bench-720p-60s.mp4": { "cuts": [10, 20, 30, 40, 50], "durationS": 60, "width": 1280, "height": 720, "fps": 25, "audio": true },
  "faces-text.mp4": { "cuts": [4, 8], "durationS": 12, "width": 1280, "height": 720, "fps": 25, "audio": true,
    "faces": [3, 0, 4], "ocrWords": [[], ["QUARTERLY", "REVENUE", "2026", "Alice", "Berlin"], []] },
  "cutaways.mp4": { "cuts": [4, 4.12, 8, 12], "durationS": 16, "width": 1280, "height": 720, "fps": 25, "audio": true,
    "faces": [3, 3, 0, 3], "ocrWords": [["Dana", "Whitfield"], ["Dana", "Whitfield"], ["HARBOUR", "REPORT"], ["Dana", "Whitfield"]],
    "repeats": [null, 0, null, 0] },
  "empty.mp4": { "error": "empty" },
  "truncated.mp4": { "error": "unreadable" },
  "notes.mov": { "error": "unreadable" },
  "audio-only.m4a": { "error": "no-video" },
  "huge-resolution.mp4": { "error": "too-large", "width": 10000, "height": 240 }
}
JSON
}

echo "make-fixtures: $OUT"
build cuts-a.mp4 cuts_a
build cuts-b.mp4 cuts_b
build bench-720p-60s.mp4 bench_720p
build faces-text.mp4 faces_text
build cutaways.mp4 cutaways
build empty.mp4 empty
build truncated.mp4 truncated
build notes.mov notes
build audio-only.m4a audio_only
build huge-resolution.mp4 huge_resolution
build long-1m.mp4 long_1m
build long-1h.mp4 long_1h
build truth.json truth

# The dev corpus of `npm run eval` (tests/eval/): its own recipe and stamp, so editing it rebuilds only it.
bash "$ROOT/tests/eval/make-corpus.sh" "$OUT/eval"
