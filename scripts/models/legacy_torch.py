"""Reader for PyTorch's *legacy* (pre-1.6, non-zip) checkpoint format, without torch.

Layout of such a file (torch.serialization._legacy_save):
  pickle: magic number 0x1950a86a20f9469cfc6c
  pickle: protocol version (1001)
  pickle: sys info dict
  pickle: the object (state_dict); tensors reference storages through
          persistent ids ('storage', storage_type, key, location, numel[, view_metadata])
          and are rebuilt with torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)
  pickle: list of storage keys, in the order their data follows
  for each key: int64 little-endian element count, then the raw little-endian elements.

Only a restricted set of globals is resolved; anything else raises.
"""
from __future__ import annotations

import collections
import pickle
import struct
from typing import Any, BinaryIO

import numpy as np

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class _StorageType:
    def __init__(self, name: str):
        if name not in _STORAGE_DTYPES:
            raise pickle.UnpicklingError(f"unsupported storage type torch.{name}")
        self.name = name
        self.dtype = np.dtype(_STORAGE_DTYPES[name]).newbyteorder("<")


class _Storage:
    """Placeholder for a storage; `data` is filled after the object pickle."""

    def __init__(self, key: str, stype: _StorageType, numel: int):
        self.key = key
        self.stype = stype
        self.numel = numel
        self.data: np.ndarray | None = None


class _StorageView:
    def __init__(self, root: _Storage, offset: int, size: int):
        self.root = root
        self.offset = offset
        self.size = size


class _TensorRef:
    """Placeholder for a tensor; materialised into numpy once storages are read."""

    def __init__(self, storage, offset: int, size, stride):
        if isinstance(storage, _StorageView):
            offset += storage.offset
            storage = storage.root
        self.storage: _Storage = storage
        self.offset = int(offset)
        self.size = tuple(int(s) for s in size)
        self.stride = tuple(int(s) for s in stride)

    def to_numpy(self) -> np.ndarray:
        flat = self.storage.data
        if flat is None:
            raise ValueError(f"storage {self.storage.key} has no data")
        if not self.size:
            return flat[self.offset].copy().reshape(())
        span = self.offset + sum((n - 1) * s for n, s in zip(self.size, self.stride)) + 1
        if any(n == 0 for n in self.size):
            return np.zeros(self.size, dtype=flat.dtype)
        if span > flat.size:
            raise ValueError(f"tensor view exceeds storage {self.storage.key}")
        item = flat.dtype.itemsize
        view = np.lib.stride_tricks.as_strided(
            flat[self.offset:],
            shape=self.size,
            strides=tuple(s * item for s in self.stride),
            writeable=False,
        )
        return np.ascontiguousarray(view).astype(flat.dtype.newbyteorder("="), copy=False)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    return _TensorRef(storage, storage_offset, size, stride)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _TensorRef(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None):
    return data


class _Unpickler(pickle.Unpickler):
    def __init__(self, f: BinaryIO, storages: dict[str, _Storage]):
        super().__init__(f)
        self._storages = storages

    def find_class(self, module: str, name: str):
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch._utils" and name == "_rebuild_tensor":
            return _rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name.endswith("Storage"):
            return _StorageType(name)
        raise pickle.UnpicklingError(f"global {module}.{name} is not allowed")

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage":
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        stype, key, _location, numel = pid[1], str(pid[2]), pid[3], int(pid[4])
        view_metadata = pid[5] if len(pid) > 5 else None
        if not isinstance(stype, _StorageType):
            raise pickle.UnpicklingError(f"bad storage type {stype!r}")
        root = self._storages.get(key)
        if root is None:
            root = _Storage(key, stype, numel)
            self._storages[key] = root
        if view_metadata is not None:
            _view_key, offset, view_size = view_metadata
            return _StorageView(root, int(offset), int(view_size))
        return root


class _PlainUnpickler(pickle.Unpickler):
    """For the header pickles and the key list: no globals at all."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"global {module}.{name} is not allowed here")


def _materialise(obj: Any) -> Any:
    if isinstance(obj, _TensorRef):
        return obj.to_numpy()
    if isinstance(obj, dict):
        return collections.OrderedDict((k, _materialise(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_materialise(v) for v in obj)
    return obj


def load_legacy_state_dict(path: str) -> "collections.OrderedDict[str, np.ndarray]":
    """Load a legacy torch checkpoint; tensors become numpy arrays."""
    with open(path, "rb") as f:
        head = f.read(2)
        f.seek(0)
        if head[:2] == b"PK":
            raise ValueError(f"{path} is a zip-format torch checkpoint, not the legacy format")
        magic = _PlainUnpickler(f).load()
        if magic != LEGACY_MAGIC:
            raise ValueError(f"{path}: bad magic number {magic!r}")
        protocol = _PlainUnpickler(f).load()
        if protocol != 1001:
            raise ValueError(f"{path}: unsupported protocol version {protocol!r}")
        _sys_info = _PlainUnpickler(f).load()
        storages: dict[str, _Storage] = {}
        obj = _Unpickler(f, storages).load()
        keys = _PlainUnpickler(f).load()
        for key in keys:
            key = str(key)
            st = storages[key]
            (count,) = struct.unpack("<q", f.read(8))
            if count != st.numel:
                raise ValueError(f"storage {key}: {count} elements on disk, {st.numel} expected")
            nbytes = count * st.stype.dtype.itemsize
            raw = f.read(nbytes)
            if len(raw) != nbytes:
                raise ValueError(f"storage {key}: truncated data")
            st.data = np.frombuffer(raw, dtype=st.stype.dtype)
        missing = [k for k, s in storages.items() if s.data is None]
        if missing:
            raise ValueError(f"storages without data: {missing[:5]}")
    return _materialise(obj)


if __name__ == "__main__":
    import sys

    sd = load_legacy_state_dict(sys.argv[1])
    total = 0
    for k, v in sd.items():
        if isinstance(v, np.ndarray):
            total += v.size
            print(f"{k:50s} {str(v.dtype):8s} {v.shape}")
    print("total elements:", total)
