"""Sample photos (from scikit-image's bundled data, no download), the paper's three
resolution groups, and bad-input fixtures."""
from __future__ import annotations

import io
import json
import os
import shutil
import struct
import zlib

import numpy as np
from PIL import Image

# scikit-image data files that ship inside the wheel (skimage/data/*.png|jpg); loading them never
# touches the network (pooch is only used for the larger optional data sets).
PHOTOS = ["chelsea", "coffee", "rocket", "astronaut"]
GROUP_PHOTOS = ["chelsea", "coffee", "rocket"]
# The paper's data set: same photos at three 16:9 resolutions, (height, width).
GROUPS = [(2160, 3840), (1080, 1920), (540, 960)]
SEED = 20240601


def _bundled(name: str) -> np.ndarray:
    import skimage.data

    base = os.path.dirname(skimage.data.__file__)
    if not any(os.path.isfile(os.path.join(base, name + ext)) for ext in (".png", ".jpg")):
        raise FileNotFoundError(f"skimage data '{name}' is not bundled in the installed wheel")
    img = getattr(skimage.data, name)()
    if img.ndim != 3 or img.shape[2] not in (3, 4):
        raise ValueError(f"skimage data '{name}' is not an RGB image")
    return img[:, :, :3]


def load_photos() -> dict[str, Image.Image]:
    return {n: Image.fromarray(_bundled(n), "RGB") for n in PHOTOS}


def crop_to_aspect(img: Image.Image, aw: int, ah: int) -> Image.Image:
    w, h = img.size
    if w * ah > h * aw:  # too wide
        nw = round(h * aw / ah)
        left = (w - nw) // 2
        return img.crop((left, 0, left + nw, h))
    nh = round(w * ah / aw)
    top = (h - nh) // 2
    return img.crop((0, top, w, top + nh))


def _clean_dir(d: str) -> None:
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)


# --- minimal PNG writer (for what Pillow cannot write, e.g. 16-bit RGBA) -----------------------

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_bytes(width: int, height: int, bit_depth: int, color_type: int, idat_payload: bytes) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat_payload) + _chunk(b"IEND", b"")


def encode_png16_rgba(rgba16: np.ndarray) -> bytes:
    """rgba16: HxWx4 uint16 -> PNG colour type 6, bit depth 16 (filter 0 on every row)."""
    h, w, c = rgba16.shape
    assert c == 4 and rgba16.dtype == np.uint16
    rows = rgba16.astype(">u2").reshape(h, w * 4).view(np.uint8).reshape(h, w * 8)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rows], axis=1).tobytes()
    return png_bytes(w, h, 16, 6, zlib.compress(raw, 9))


# --- JPEG helpers ---------------------------------------------------------------------------

def _jpeg(img: Image.Image, quality: int, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, **kw)
    return buf.getvalue()


def _find_marker(data: bytes, marker: int) -> int:
    """Offset of the first 0xFF<marker> segment, walking the header segments."""
    i = 2  # after SOI
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise ValueError("not at a marker")
        m = data[i + 1]
        if m == marker:
            return i
        if m == 0xDA:
            break
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        i += 2 + length
    raise ValueError(f"marker FF{marker:02X} not found")


def huge_dims_jpeg(small: bytes, height: int, width: int) -> bytes:
    off = _find_marker(small, 0xC0)  # SOF0: FFC0 len(2) precision(1) height(2) width(2)
    b = bytearray(small)
    b[off + 5:off + 9] = struct.pack(">HH", height, width)
    return bytes(b)


def corrupt_jpeg(good: bytes, rng: np.random.Generator) -> bytes:
    """Keep all headers and the EOI; overwrite the middle third of the scan data with noise."""
    sos = _find_marker(good, 0xDA)
    (length,) = struct.unpack(">H", good[sos + 2:sos + 4])
    start = sos + 2 + length
    end = len(good) - 2  # EOI
    n = end - start
    a, z = start + n // 3, start + 2 * n // 3
    noise = rng.integers(0, 256, z - a, dtype=np.uint8).tobytes()
    return good[:a] + noise + good[z:]


# --- main entry points --------------------------------------------------------------------------

def write_photos(samples: str, photos: dict[str, Image.Image]) -> list[str]:
    out = []
    for name, img in photos.items():
        p = os.path.join(samples, f"{name}.jpg")
        img.save(p, "JPEG", quality=92)
        out.append(p)
    p = os.path.join(samples, "chelsea.png")
    photos["chelsea"].save(p, "PNG")
    out.append(p)
    return out


def write_groups(samples: str, photos: dict[str, Image.Image]) -> list[str]:
    out = []
    for h, w in GROUPS:
        d = os.path.join(samples, "groups", f"{h}x{w}")
        os.makedirs(d, exist_ok=True)
        for name in GROUP_PHOTOS:
            img = crop_to_aspect(photos[name], 16, 9).resize((w, h), Image.LANCZOS)
            assert img.size == (w, h)
            p = os.path.join(d, f"{name}.jpg")
            img.save(p, "JPEG", quality=90)
            out.append(p)
    return out


def write_bad(samples: str, photos: dict[str, Image.Image], squeezenet_dir: str | None) -> list[str]:
    rng = np.random.default_rng(SEED)
    d = os.path.join(samples, "bad")
    os.makedirs(d, exist_ok=True)
    files: dict[str, bytes] = {}
    coffee = photos["coffee"]
    coffee_jpg = open(os.path.join(samples, "coffee.jpg"), "rb").read()

    files["empty.jpg"] = b""
    files["truncated.jpg"] = coffee_jpg[: int(len(coffee_jpg) * 0.4)]
    files["corrupt.jpg"] = corrupt_jpeg(coffee_jpg, rng)
    files["not-an-image.jpg"] = (b"This is not an image. inferd must reject it with a clear error\n"
                                 b"instead of crashing.\n")
    # Valid signature, IHDR declaring 100000x100000 RGB8 (correct CRCs), tiny IDAT.
    files["huge-dims.png"] = png_bytes(100000, 100000, 8, 2, zlib.compress(b"\x00" * 64))
    small = coffee.resize((64, 43), Image.LANCZOS)
    files["huge-dims.jpg"] = huge_dims_jpeg(_jpeg(small, 90), 60000, 60000)
    files["grey.jpg"] = _jpeg(coffee.convert("L"), 92)
    files["cmyk.jpg"] = _jpeg(coffee.convert("CMYK"), 92)
    buf = io.BytesIO()
    coffee.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(buf, "PNG")
    files["palette.png"] = buf.getvalue()
    # 16-bit RGBA: coffee scaled to 16 bits, alpha a horizontal ramp.
    rgb16 = np.asarray(coffee, np.uint16) * 257
    h, w = rgb16.shape[:2]
    alpha = np.broadcast_to(np.linspace(65535, 16384, w).astype(np.uint16), (h, w))
    files["rgba16.png"] = encode_png16_rgba(np.dstack([rgb16, alpha]).astype(np.uint16))
    buf = io.BytesIO()
    Image.fromarray((np.asarray(coffee.convert("L"), np.uint16) * 257).astype(np.uint16), "I;16").save(buf, "PNG")
    files["grey16.png"] = buf.getvalue()
    buf = io.BytesIO()
    rgba8 = np.dstack([np.asarray(coffee), (alpha >> 8).astype(np.uint8)])
    Image.fromarray(rgba8, "RGBA").save(buf, "PNG")
    files["rgba.png"] = buf.getvalue()

    out = []
    for name, data in files.items():
        p = os.path.join(d, name)
        with open(p, "wb") as f:
            f.write(data)
        out.append(p)

    if squeezenet_dir is not None:
        md = os.path.join(d, "corrupt-model")
        os.makedirs(md, exist_ok=True)
        with open(os.path.join(squeezenet_dir, "manifest.json"), encoding="utf-8") as f:
            man = json.load(f)
        man["name"] = "corrupt-model"
        man["description"] = ("Deliberately broken bundle: model.onnx is the first 1000 bytes of the "
                              "squeezenet model.onnx; loading it must fail cleanly")
        man["source"] = "scripts/models/samples.py (truncated copy of models/squeezenet/model.onnx)"
        with open(os.path.join(md, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(man, f, indent=2)
            f.write("\n")
        with open(os.path.join(squeezenet_dir, "model.onnx"), "rb") as f:
            head = f.read(1000)
        with open(os.path.join(md, "model.onnx"), "wb") as f:
            f.write(head)
        shutil.copyfile(os.path.join(squeezenet_dir, "labels.txt"), os.path.join(md, "labels.txt"))
        out += [os.path.join(md, n) for n in ("manifest.json", "model.onnx", "labels.txt")]
    return out


def prepare_samples(samples: str, squeezenet_dir: str | None) -> list[str]:
    _clean_dir(samples)
    photos = load_photos()
    out = write_photos(samples, photos)
    out += write_groups(samples, photos)
    out += write_bad(samples, photos, squeezenet_dir)
    return out
