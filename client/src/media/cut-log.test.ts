// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { cutDetectionArgs, parseCutLog } from './cut-log.ts';

describe('parseCutLog', () => {
  it('reads the cut times from an ffmpeg.wasm run on cuts-a.mp4, skipping the forced first frame', () => {
    // Real log lines of `-loglevel info ...cutDetectionArgs('/in/cuts-a.mp4')` in headless Chromium
    // (trimmed: metadata, the x264 SEI dump, showinfo's checksum tails).
    const lines = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from '/in/cuts-a.mp4':
  Duration: 00:00:12.00, start: 0.000000, bitrate: 683 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 640x360 [SAR 1:1 DAR 16:9], 611 kb/s, 25 fps, 25 tbr, 12800 tbn (default)
Stream mapping:
  Stream #0:0 (h264) -> scale:default
  showinfo:default -> Stream #0:0 (wrapped_avframe)
  split -> Stream #1:0 (wrapped_avframe)
[Parsed_showinfo_3 @ 0x1117220] config in time_base: 1/12800, frame_rate: 25/1
[Parsed_showinfo_3 @ 0x1117220] config out time_base: 0/0, frame_rate: 0/0
[Parsed_showinfo_3 @ 0x1117220] n:   0 pts:      0 pts_time:0       pos:       48 fmt:yuv420p sar:1/1 s:320x180 i:P iskey:1 type:I checksum:698AD2F5
[Parsed_showinfo_3 @ 0x1117220]   side data - User Data Unregistered:
[Parsed_showinfo_3 @ 0x1117220] UUID=dc45e9bd-e6d9-48b7-962c-d820d923eeef
[Parsed_showinfo_3 @ 0x1117220] 
[Parsed_showinfo_3 @ 0x1117220] color_range:tv color_space:unknown color_primaries:unknown color_trc:unknown
Output #0, null, to 'pipe:':
  Stream #0:0: Video: wrapped_avframe, yuv420p(tv, progressive), 320x180 [SAR 1:1 DAR 16:9], q=2-31, 200 kb/s, 25 fps, 25 tbn
Output #1, null, to 'pipe:':
  Stream #1:0: Video: wrapped_avframe, yuv420p(tv, progressive), 320x180 [SAR 1:1 DAR 16:9], q=2-31, 200 kb/s, 25 fps, 25 tbn
frame=    1 fps=0.0 q=-0.0 q=-0.0 size=N/A time=00:00:00.04 bitrate=N/A speed=7.69x    
[Parsed_showinfo_3 @ 0x1117220] n:   1 pts:  51200 pts_time:4       pos:   372518 fmt:yuv420p sar:1/1 s:320x180 i:P iskey:1 type:I checksum:87C2DAEA
[Parsed_showinfo_3 @ 0x1117220] color_range:tv color_space:unknown color_primaries:unknown color_trc:unknown
[Parsed_showinfo_3 @ 0x1117220] n:   2 pts: 102400 pts_time:8       pos:   412107 fmt:yuv420p sar:1/1 s:320x180 i:P iskey:1 type:I checksum:82527F17
[Parsed_showinfo_3 @ 0x1117220] color_range:tv color_space:unknown color_primaries:unknown color_trc:unknown
frame=    3 fps=0.0 q=-0.0 q=-0.0 size=N/A time=00:00:08.92 bitrate=N/A speed=17.6x    
frame=    3 fps=0.0 q=-0.0 Lq=-0.0 size=N/A time=00:00:12.00 bitrate=N/A speed=16.3x    
video:104kB audio:0kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown
Aborted()`.split('\n');
    expect(parseCutLog(lines)).toEqual([4, 8]);
  });

  it('splits a showinfo line that shares a log line with a progress report; times stay relative to start', () => {
    // Debian ffmpeg on an MPEG-TS copy of cuts-a starting at 2.78 s: pts_time is already relative to the start.
    const lines = [
      "Input #0, mpegts, from 'cuts.ts':",
      '  Duration: 00:00:12.02, start: 2.776778, bitrate: 749 kb/s',
      '[Parsed_showinfo_3 @ 0x55ed2ae6d680] n:   0 pts:      0 pts_time:0       pos:      564 fmt:yuv420p sar:1/1',
      'frame=    1 fps=0.0 q=-0.0 q=-0.0 size=N/A time=00:00:00.04 bitrate=N/A speed=15.7x    \r[Parsed_showinfo_3 @ 0x55ed2ae6d680] n:   1 pts: 360000 pts_time:4       pos:   408336 fmt:yuv420p sar:1/1',
      '[Parsed_showinfo_3 @ 0x55ed2ae6d680] n:   2 pts: 720000 pts_time:8       pos:   479964 fmt:yuv420p sar:1/1',
    ];
    expect(parseCutLog(lines)).toEqual([4, 8]);
  });

  it('skips the first frame even when its time is not 0, rounds, sorts and de-duplicates', () => {
    const line = (n: number, t: string) => `[Parsed_showinfo_3 @ 0x1] n: ${String(n).padStart(3)} pts:  1 pts_time:${t}  pos: 1 fmt:yuv420p`;
    expect(parseCutLog([line(0, '0.08'), line(2, '6.5'), line(1, '3.0333333'), line(2, '6.5')])).toEqual([3.033, 6.5]);
  });

  it('returns no cuts when only the first frame was printed', () => {
    const lines = [
      '[Parsed_showinfo_3 @ 0x1] n:   0 pts:      0 pts_time:0       pos:       48 fmt:yuv420p',
      'frame=    1 fps=0.0 q=-0.0 Lq=-0.0 size=N/A time=00:00:12.00 bitrate=N/A speed=14x',
      'Aborted()',
    ];
    expect(parseCutLog(lines)).toEqual([]);
  });
});

describe('cutDetectionArgs', () => {
  it('sends the selected frames and every frame to two separate null outputs', () => {
    const args = cutDetectionArgs('/in/input.mp4');
    expect(args.slice(0, 2)).toEqual(['-i', '/in/input.mp4']);
    expect(args.filter((arg) => arg === 'null')).toHaveLength(2);
    expect(args.join(' ')).toContain("select='eq(n,0)+gt(scene,0.3)',showinfo");
  });
});
