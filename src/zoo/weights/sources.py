"""Where weight files come from, and reading them safely.

- Hugging Face Hub repositories through ``huggingface_hub`` (``model.safetensors`` preferred);
- torchvision URLs through the torch hub cache (``$TORCH_HOME/hub/checkpoints``), with the hash that
  torchvision publishes in each file name checked on download, as ``torch.hub`` does;
- local files.

The cache and offline settings are read when a file is asked for, not at import: ``HF_HUB_CACHE`` /
``HF_HOME``, ``TORCH_HOME``, and ``HF_HUB_OFFLINE=1`` (no download is tried, from either source).
Without network and without ``HF_HUB_OFFLINE``, a file missing from the cache fails at the first
connection error (one short probe, not huggingface_hub's minute of retries), and the error says so.
Files are read with safetensors, or ``torch.load(weights_only=True)``: nothing that needs pickled code.
"""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import torch

from zoo.checkpoint import CorruptCheckpointError

__all__ = ["WeightsNotFoundError", "HubUnreachableError", "UnsafeCheckpointError", "CorruptCheckpointError", "offline",
           "hf_cache_dir", "torch_cache_dir", "fetch_hub_file", "fetch_url", "read_state_dict", "network_errors",
           "unreachable_message"]

HUB_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")  # in order of preference
PROBE_TIMEOUT = 5.0  # seconds the first look at the Hub may take before we call it unreachable


class WeightsNotFoundError(FileNotFoundError):
    """A weight file is neither cached nor downloadable here."""


class HubUnreachableError(ConnectionError):
    """The Hugging Face Hub cannot be reached (no network, a proxy, a wrong ``HF_ENDPOINT``)."""


class UnsafeCheckpointError(ValueError):
    """A checkpoint that could only be read by executing pickled code."""


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def hf_cache_dir() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def torch_cache_dir() -> Path:
    return Path(torch.hub.get_dir()) / "checkpoints"  # torch.hub reads TORCH_HOME on every call


def _reason() -> str:
    return "downloads are disabled (HF_HUB_OFFLINE=1)" if offline() else "the download failed"


def network_errors() -> tuple[type[BaseException], ...]:
    """The exception types of a failed connection, from whichever HTTP client huggingface_hub uses."""
    found: list[type[BaseException]] = [ConnectionError, TimeoutError]
    for module, name in (("httpx2", "TransportError"), ("httpx", "TransportError"),
                         ("requests.exceptions", "ConnectionError"), ("requests.exceptions", "Timeout")):
        try:
            found.append(getattr(__import__(module, fromlist=[name]), name))
        except (ImportError, AttributeError):
            pass
    return tuple(found)


def _endpoint() -> str:
    from huggingface_hub import constants

    return constants.ENDPOINT


def unreachable_message(action: str, err: BaseException) -> str:
    """What to say when the Hub cannot be reached (downloads and uploads say the same)."""
    return (f"could not reach the Hugging Face Hub at {_endpoint()} to {action} ({_first_line(err)}).\n"
            f"Without network, set HF_HUB_OFFLINE=1: the local cache then serves files at once, with no "
            f"attempt to connect. Behind a proxy, set HTTPS_PROXY; for a mirror, HF_ENDPOINT.")


def _probe(repo_id: str, filename: str, revision: str | None) -> None:
    """One quick HEAD request for a file the cache lacks; a network error is raised as it comes, before
    huggingface_hub would retry it for a minute."""
    from huggingface_hub import constants, get_hf_file_metadata, hf_hub_url

    url = hf_hub_url(repo_id, filename, revision=revision)
    try:
        get_hf_file_metadata(url, timeout=min(PROBE_TIMEOUT, constants.HF_HUB_ETAG_TIMEOUT))
    except network_errors() as err:
        raise HubUnreachableError(unreachable_message(f"download {repo_id}/{filename}", err)) from err
    except Exception:  # an HTTP answer (404, 401, ...): the network works; hf_hub_download reports it
        pass


def fetch_hub_file(repo_id: str, filenames: tuple[str, ...] = HUB_WEIGHT_FILES, revision: str | None = None,
                   required: bool = True) -> Path | None:
    """The local path of the first of ``filenames`` the repository has, downloading it unless offline.
    Without network a missing file fails at once, whatever ``required`` says."""
    from huggingface_hub import hf_hub_download, try_to_load_from_cache
    from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError, LocalEntryNotFoundError

    cache, errors = hf_cache_dir(), []
    for filename in filenames:
        try:
            if not offline() and not isinstance(try_to_load_from_cache(repo_id, filename, cache, revision), str):
                _probe(repo_id, filename, revision)
            return Path(hf_hub_download(repo_id, filename, revision=revision, cache_dir=cache,
                                        local_files_only=offline(), library_name="zoo"))
        except HubUnreachableError as err:
            raise WeightsNotFoundError(
                f"the Hugging Face Hub repository {repo_id} ({filename}) is not in the local cache and "
                f"{err}\n  cache: {cache}  (set by HF_HUB_CACHE or HF_HOME)\n{_how_to_fetch(repo_id, filenames, cache)}"
            ) from err
        except (EntryNotFoundError, LocalEntryNotFoundError, HfHubHTTPError, OSError) as err:
            errors.append(f"{filename}: {_first_line(err)}")
    if not required:
        return None
    files = " or ".join(filenames)
    raise WeightsNotFoundError(
        f"the Hugging Face Hub repository {repo_id} ({files}) is not in the local cache and {_reason()}.\n"
        f"  cache: {cache}  (set by HF_HUB_CACHE or HF_HOME)\n"
        f"  tried: {'; '.join(errors)}\n{_how_to_fetch(repo_id, filenames, cache)}"
    )


def _how_to_fetch(repo_id: str, filenames: tuple[str, ...], cache: Path) -> str:
    return (f"On a machine with network access run `hf download {repo_id} {filenames[0]}` (or, in Python, "
            f"huggingface_hub.hf_hub_download('{repo_id}', '{filenames[0]}')) and copy its cache folder "
            f"to {cache}, or point HF_HOME at a copy of it.")


def fetch_url(url: str) -> Path:
    """A torchvision weight file from the torch hub cache, downloading it (hash checked) unless offline."""
    cache = torch_cache_dir()
    filename = os.path.basename(urlparse(url).path)
    path = cache / filename
    if path.exists():
        return path
    reason = _reason()
    if not offline():
        match = torch.hub.HASH_REGEX.search(filename)  # torchvision names files <name>-<sha256 prefix>.pth
        try:
            cache.mkdir(parents=True, exist_ok=True)
            torch.hub.download_url_to_file(url, str(path), match.group(1) if match else None, progress=True)
            return path
        except RuntimeError as err:  # the hash did not match: torch removed the partial file
            raise CorruptCheckpointError(f"downloaded {url}, but {err}") from err
        except OSError as err:
            reason = f"the download failed ({_first_line(err)})"
    raise WeightsNotFoundError(
        f"the torchvision weight file {url} is not in the torch hub cache and {reason}.\n"
        f"  cache: {cache}  (set by TORCH_HOME: $TORCH_HOME/hub/checkpoints)\n"
        f"On a machine with network access run `curl -L -o {filename} {url}` (or, in Python, "
        f"torch.hub.load_state_dict_from_url('{url}')) and copy the file to {path}."
    )


def _unwrap(obj: Any, path: Path) -> dict[str, torch.Tensor]:
    """A training checkpoint often nests its weights (``{"state_dict": ...}``, ``{"model": ...}``)."""
    for key in ("state_dict", "model", "model_state_dict", "module"):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            obj = obj[key]
            break
    tensors = {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)} if isinstance(obj, dict) else {}
    if not tensors:
        raise CorruptCheckpointError(f"{path} holds a {type(obj).__name__} without tensors, not a state dict")
    if all(k.startswith("module.") for k in tensors):  # saved from DataParallel / DDP
        tensors = {k[len("module."):]: v for k, v in tensors.items()}
    return tensors


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text.splitlines()[0]}" if text else type(err).__name__


def _is_safetensors(path: Path) -> bool:
    """A safetensors file opens with the 8-byte length of a JSON header."""
    with open(path, "rb") as f:
        head = f.read(9)
    return path.suffix == ".safetensors" or (len(head) == 9 and head[8:9] == b"{"
                                             and int.from_bytes(head[:8], "little") < path.stat().st_size)


def read_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """Tensors from a ``.safetensors`` file, or a torch checkpoint that needs no pickled code."""
    path = Path(path)
    if not path.is_file():
        raise WeightsNotFoundError(f"no such weight file: {path}")
    if _is_safetensors(path):
        from safetensors.torch import load_file

        try:
            return load_file(str(path))
        except Exception as err:  # SafetensorError, or the header is not JSON
            raise CorruptCheckpointError(
                f"could not read {path}: the safetensors file is corrupt or truncated ({_first_line(err)}). "
                f"Delete it and fetch it again."
            ) from err
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as err:
        text = str(err).lower()  # code is asked for by a global or a class; junk bytes are bad operands
        if "weights only load failed" not in text or not re.search(r"global|unsupported class|reduce", text):
            detail = next((ln.strip() for ln in str(err).split("WeightsUnpickler error:")[-1].splitlines()
                           if ln.strip()), _first_line(err))
            raise CorruptCheckpointError(f"could not read {path}: the file is corrupt or not a checkpoint "
                                         f"({detail})") from err
        raise UnsafeCheckpointError(
            f"refusing to load {path}: reading it would execute pickled code, which zoo never does "
            f"(it reads safetensors, and torch checkpoints with torch.load(weights_only=True)).\n"
            f"  torch said: {str(err).splitlines()[0]}\n"
            f"If you trust the file, convert it once: sd = torch.load(path, weights_only=False); "
            f"safetensors.torch.save_file({{k: v.contiguous() for k, v in sd.items()}}, 'model.safetensors')"
        ) from err
    except Exception as err:  # a truncated zip (RuntimeError), junk bytes (KeyError, EOFError), ...
        raise CorruptCheckpointError(
            f"could not read {path}: the file is corrupt or truncated ({_first_line(err)}). "
            f"Delete it and fetch it again."
        ) from err
    return _unwrap(obj, path)


def is_hub_spec(spec: str) -> bool:
    return spec.startswith("hf-hub:")


def parse_hub_spec(spec: str) -> tuple[str, str | None]:
    """``hf-hub:org/name`` or ``hf-hub:org/name@revision`` → (repo id, revision)."""
    body = spec[len("hf-hub:"):]
    repo, _, revision = body.partition("@")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo):
        raise ValueError(f"a Hub repository is written 'hf-hub:org/name' (optionally '@revision'), got {spec!r}")
    return repo, revision or None
