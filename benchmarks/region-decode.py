"""Would decoding only the region the crop keeps pay for big photos? (issue #13, "Big photos")

libjpeg-turbo's own `djpeg` (Debian's libjpeg-turbo-progs, installed by `scripts/setup.sh perf`: the libjpeg API with DCT scaling,
`jpeg_crop_scanline` and `jpeg_skip_scanlines`) decodes a photo at 1/8 scale whole, then only the
centred square the classifier's crop keeps, alternately, N times each; the medians less the median of
decoding an 8x8 photo (process start and file read) are the decode costs. Prints a Markdown table.

    python3 benchmarks/region-decode.py samples/groups/2160x3840/chelsea.jpg [N]
"""
import os, statistics, subprocess, sys, tempfile, time

photo = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
out = subprocess.run(["djpeg", "-scale", "1/8", "-pnm", photo], capture_output=True, check=True).stdout
width, height = map(int, out.split(b"\n")[1].split())  # P6, then "W H"
side = min(width, height)
crop = f"{side}x{side}+{(width - side) // 2 // 8 * 8}+{(height - side) // 2 // 8 * 8}"
tiny = tempfile.NamedTemporaryFile(suffix=".jpg", delete=False)
tiny.write(subprocess.run(["cjpeg"], input=b"P6\n8 8\n255\n" + bytes(192), capture_output=True, check=True).stdout)
tiny.close()

def run(arguments):
    start = time.perf_counter()
    subprocess.run(["djpeg", "-outfile", os.devnull] + arguments, check=True)
    return (time.perf_counter() - start) * 1000

cases = {"whole photo": ["-scale", "1/8", photo], f"centre {crop} only": ["-scale", "1/8", "-crop", crop, photo],
         "8x8 photo (overhead)": [tiny.name]}
times = {name: [] for name in cases}
for _ in range(n):
    for name, arguments in cases.items():
        times[name].append(run(arguments))
os.unlink(tiny.name)
overhead = statistics.median(times["8x8 photo (overhead)"])
whole = statistics.median(times["whole photo"]) - overhead
print(f"| {os.path.basename(photo)} at 1/8 scale ({width}x{height} out), n={n} | median ms less overhead | vs whole |\n|---|---|---|")
for name in list(cases)[:2]:
    value = statistics.median(times[name]) - overhead
    print(f"| {name} | {value:.2f} | {value / whole:.2f}x |")
print(f"| process start + read (subtracted) | {overhead:.2f} | |")
print(f"host: {open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}, "
      f"load average {open('/proc/loadavg').read().split()[:3]}")
