"""Pretrained weights, loaded exactly as users load them, from caches built here (there is no network).

Each test writes a reference model's random weights (timm or torchvision) into a real Hugging Face
cache (``models--org--name/{refs,snapshots,blobs}``) or torch hub cache (``$TORCH_HOME/hub/checkpoints``)
in a temporary folder, points ``HF_HOME`` / ``TORCH_HOME`` at it with ``HF_HUB_OFFLINE=1``, and calls
``zoo.create_model(..., pretrained=...)``: the outputs must equal the reference's.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import warnings
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

import zoo
from equivalence import randomize_norms, relative_error, timm_model, torchvision_model
from zoo.weights import CorruptCheckpointError, IncompatibleWeightsError, UnsafeCheckpointError, WeightsNotFoundError
from zoo.weights.catalog import get_entry

TOL = 1e-5


# ---------------------------------------------------------------------------------------------- caches


def write_hub_repo(hf_home: Path, repo_id: str, files: dict[str, bytes]) -> Path:
    """A Hugging Face cache entry as huggingface_hub writes it: blobs named by content hash, a snapshot
    of symlinks for one commit, and refs/main naming that commit."""
    repo = hf_home / "hub" / f"models--{repo_id.replace('/', '--')}"
    commit = hashlib.sha1(repo_id.encode()).hexdigest()
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True, exist_ok=True)
    (repo / "blobs").mkdir(exist_ok=True)
    for name, data in files.items():
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        link = snapshot / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(Path("..", "..", "blobs", blob.name))
    return snapshot


def safetensors_bytes(state: dict[str, torch.Tensor], tmp: Path) -> bytes:
    path = tmp / "tmp.safetensors"
    save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    return path.read_bytes()


def write_timm_weights(hf_home: Path, tag_name: str, reference: torch.nn.Module, tmp: Path) -> None:
    model, tag = tag_name.split(".", 1)
    entry = get_entry(model, tag)
    config = {"architecture": entry.location.split("/")[1].split(".")[0], "num_classes": 1000,
              "pretrained_cfg": {"tag": tag, "input_size": list(entry.input_size)}}
    write_hub_repo(hf_home, entry.location, {"model.safetensors": safetensors_bytes(reference.state_dict(), tmp),
                                             "config.json": json.dumps(config).encode()})


def write_torchvision_weights(torch_home: Path, tag_name: str, reference: torch.nn.Module) -> Path:
    model, tag = tag_name.split(".", 1)
    url = get_entry(model, tag).location
    path = torch_home / "hub" / "checkpoints" / url.rsplit("/", 1)[1]
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(reference.state_dict(), path)
    return path


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """Empty caches in a temporary folder, downloads disabled; returns (HF_HOME, TORCH_HOME)."""
    hf_home, torch_home = tmp_path / "hf", tmp_path / "torch"
    monkeypatch.setenv("HF_HOME", str(hf_home))
    monkeypatch.setenv("TORCH_HOME", str(torch_home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    return hf_home, torch_home


def assert_same_outputs(model, reference, input_size=(3, 64, 48), ref_input=None):
    torch.manual_seed(1)
    x = torch.randn(2, *input_size)
    with torch.no_grad():
        out, ref = model.eval()(x), reference.eval()(x if ref_input is None else ref_input(x))
    assert out.shape == ref.shape
    assert relative_error(out, ref) <= TOL


@pytest.fixture(scope="module")
def tv_resnet18():
    return randomize_norms(torchvision_model("resnet18")).eval()


# ---------------------------------------------------------------------------------------------- sources


def test_resnet50_from_a_timm_hub_repository(offline, tmp_path):
    hf_home, _ = offline
    reference = randomize_norms(timm_model("resnet50")).eval()
    write_timm_weights(hf_home, "resnet50.a1_in1k", reference, tmp_path)

    model = zoo.create_model("resnet50", pretrained="a1_in1k")
    assert_same_outputs(model, reference)
    cfg = zoo.data_config(model)
    assert cfg["interpolation"] == "bicubic" and cfg["crop_pct"] == 0.95 and cfg["input_size"] == (3, 224, 224)
    assert model.pretrained_cfg["license"] == "apache-2.0" and model.pretrained_cfg["tag"] == "a1_in1k"
    assert zoo.class_names(model)[:2] == ("tench", "goldfish")

    # the same file named as a repository; the architecture comes from the catalog
    again = zoo.create_model(pretrained="hf-hub:timm/resnet50.a1_in1k")
    torch.testing.assert_close(again.state_dict(), model.state_dict(), rtol=0, atol=0)


def test_alexnet_from_the_torchvision_url_cache(offline):
    _, torch_home = offline
    reference = torchvision_model("alexnet").eval()
    assert zoo.model_info("alexnet").pretrained[0]["tag"] == "tv_imagenet1k_v1"  # the default
    write_torchvision_weights(torch_home, "alexnet.tv_imagenet1k_v1", reference)
    model = zoo.create_model("alexnet", pretrained=True)
    assert_same_outputs(model, reference, (3, 96, 80))
    assert model.pretrained_cfg["weights"].startswith("https://download.pytorch.org/models/alexnet-")


def test_downloads_go_to_the_torch_hub_cache_with_their_hash_checked(tmp_path, monkeypatch):
    """torchvision names its files <name>-<sha256 prefix>.pth; the download is checked against it
    (a file:// URL stands in for download.pytorch.org)."""
    from zoo.weights.sources import fetch_url

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    served = tmp_path / "served"
    served.mkdir()
    data = b"weights" * 1000
    good = served / f"net-{hashlib.sha256(data).hexdigest()[:8]}.pth"
    good.write_bytes(data)
    cached = fetch_url(good.as_uri())
    assert cached == tmp_path / "torch" / "hub" / "checkpoints" / good.name and cached.read_bytes() == data
    bad = served / "net-0badc0de.pth"
    bad.write_bytes(data)
    with pytest.raises(CorruptCheckpointError, match="invalid hash value"):
        fetch_url(bad.as_uri())
    assert not (tmp_path / "torch" / "hub" / "checkpoints" / bad.name).exists()
    with pytest.raises(WeightsNotFoundError, match="(?s)the download failed.*cache: .*On a machine with network"):
        fetch_url((served / "net-12345678.pth").as_uri())


# Families from other files: a timm Hub repo with a resampled ViT, a timm alias, a torchvision URL.
# name → (tag, reference builder, keywords for create_model, the name create_model is given)
LATER = {
    "vit_b_16": ("augreg_in1k", lambda: timm_model("vit_base_patch16_224"), {"img_size": 160}, "vit_b_16"),
    # timm's name: the alias builds timm's configuration, and its tags are timm's weights
    "mobilenet_v3_large": ("ra_in1k", lambda: timm_model("mobilenetv3_large_100"), {}, "mobilenetv3_large_100"),
    "googlenet": ("tv_imagenet1k_v1",
                  lambda: torchvision_model("googlenet", aux_logits=True, transform_input=True, init_weights=True), {},
                  "googlenet"),
}


@pytest.mark.parametrize("name", sorted(LATER))
def test_families_added_later(name, offline, tmp_path):
    hf_home, torch_home = offline
    tag, build, kwargs, asked_as = LATER[name]
    reference = randomize_norms(build()).eval()
    entry = get_entry(name, tag)
    if entry.source == "hf":
        write_timm_weights(hf_home, f"{name}.{tag}", reference, tmp_path)
    else:
        write_torchvision_weights(torch_home, f"{name}.{tag}", reference)
    if "img_size" in kwargs:  # the reference resamples its position embedding the way timm does
        from timm.models.vision_transformer import checkpoint_filter_fn

        resized = timm_model("vit_base_patch16_224", img_size=kwargs["img_size"]).eval()
        resized.load_state_dict(checkpoint_filter_fn(reference.state_dict(), resized))
        reference = resized
    model = zoo.create_model(asked_as, pretrained=tag, **kwargs)
    size = kwargs.get("img_size", 96)
    assert_same_outputs(model, reference, (3, size, size))


def test_local_files_of_each_kind(tmp_path, tv_resnet18):
    """A bare file: its keys say whose state dict it is (zoo's own, torchvision's, timm's)."""
    tv_path = tmp_path / "tv.pth"
    torch.save({"state_dict": tv_resnet18.state_dict(), "epoch": 3}, tv_path)  # a training checkpoint
    model = zoo.create_model("resnet18", pretrained=str(tv_path))
    assert_same_outputs(model, tv_resnet18)

    zoo_path = tmp_path / "weights.safetensors"
    save_file(model.state_dict(), str(zoo_path))
    again = zoo.create_model("resnet18", pretrained=zoo_path)
    assert_same_outputs(again, tv_resnet18)
    assert again.pretrained_cfg["weights"] == str(zoo_path)


def test_save_pretrained_round_trip(tmp_path):
    torch.manual_seed(0)
    model = randomize_norms(zoo.create_model("resnet18", num_classes=7, in_chans=2, drop_rate=0.1)).eval()
    zoo.save_pretrained(model, tmp_path / "mine")
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["README.md", "config.json", "model.safetensors"]
    config = json.loads((tmp_path / "mine" / "config.json").read_text())
    assert config["architecture"] == "resnet18" and config["kwargs"] == {"num_classes": 7, "in_chans": 2,
                                                                          "drop_rate": 0.1}
    restored = zoo.create_model(pretrained=str(tmp_path / "mine"))
    assert type(restored) is type(model) and restored.num_classes == 7 and restored.head.drop.p == 0.1
    torch.testing.assert_close(restored.state_dict(), model.state_dict(), rtol=0, atol=0)
    assert_same_outputs(restored, model, (2, 48, 48))
    assert restored.pretrained_cfg["input_size"] == (2, 224, 224)

    backbone = zoo.create_model("resnet18", features_only=True, out_indices=(1, 2), frozen_stages=1, norm_eval=True)
    zoo.save_pretrained(backbone, tmp_path / "backbone")
    back = zoo.create_model("resnet18", pretrained=tmp_path / "backbone")
    assert back.out_indices == [1, 2] and back.frozen_stages == 1 and back.norm_eval
    assert [p.requires_grad for p in back.parameters()] == [p.requires_grad for p in backbone.parameters()]
    torch.testing.assert_close(back.state_dict(), backbone.state_dict(), rtol=0, atol=0)
    unfrozen = zoo.create_model("resnet18", pretrained=tmp_path / "backbone", frozen_stages=-1, norm_eval=False)
    assert unfrozen.frozen_stages == -1 and not unfrozen.norm_eval  # the caller's keywords win

    with pytest.raises(ValueError, match="holds weights of resnet18, not resnet34"):
        zoo.create_model("resnet34", pretrained=tmp_path / "mine")


def test_push_to_hub_uploads_what_loads_back(tmp_path, monkeypatch, offline):
    """push_to_hub hands huggingface_hub a save_pretrained folder; that repository loads back."""
    import huggingface_hub

    uploaded = {}

    class FakeApi:
        def __init__(self, token=None):
            pass

        def create_repo(self, repo_id, private=None, exist_ok=False):
            uploaded["repo"] = repo_id

        def upload_folder(self, repo_id, folder_path, commit_message, revision=None):
            uploaded["files"] = {p.name: p.read_bytes() for p in Path(folder_path).iterdir()}
            return "https://huggingface.co/me/tiny/commit/0"

    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    model = zoo.create_model("resnet18", num_classes=3)
    assert zoo.push_to_hub(model, "me/tiny").endswith("/commit/0")
    assert uploaded["repo"] == "me/tiny" and set(uploaded["files"]) == {"config.json", "model.safetensors", "README.md"}
    write_hub_repo(offline[0], "me/tiny", uploaded["files"])
    back = zoo.create_model(pretrained="hf-hub:me/tiny")
    torch.testing.assert_close(back.state_dict(), model.state_dict(), rtol=0, atol=0)


# ---------------------------------------------------------------------------------------------- adapting


@pytest.fixture
def resnet18_cached(offline, tv_resnet18):
    write_torchvision_weights(offline[1], "resnet18.tv_imagenet1k_v1", tv_resnet18)
    return tv_resnet18


def test_other_num_classes_reinitialises_the_head(resnet18_cached):
    with pytest.warns(UserWarning, match=r"1000 → 10 classes.*re-initialised"):
        model = zoo.create_model("resnet18", pretrained="tv_imagenet1k_v1", num_classes=10).eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        features = model.forward_head(model.forward_features(x), pre_logits=True)
        ref = torch.flatten(resnet18_cached.avgpool(torch.nn.Sequential(*list(resnet18_cached.children())[:-2])(x)), 1)
    assert model(x).shape == (2, 10) and relative_error(features, ref) <= TOL
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no classifier asked for: nothing to warn about
        pooled = zoo.create_model("resnet18", pretrained="tv_imagenet1k_v1", num_classes=0).eval()
    with torch.no_grad():
        assert relative_error(pooled(x), ref) <= TOL


def test_in_chans_adapts_the_first_conv(resnet18_cached):
    grey = zoo.create_model("resnet18", pretrained="tv_imagenet1k_v1", in_chans=1)
    # summing the RGB kernels: a grey image gives what the RGB net gives for three equal channels
    assert_same_outputs(grey, resnet18_cached, (1, 64, 80), ref_input=lambda x: x.expand(-1, 3, -1, -1))
    assert zoo.data_config(grey)["input_size"] == (1, 224, 224) and len(zoo.data_config(grey)["mean"]) == 1

    four = zoo.create_model("resnet18", pretrained="tv_imagenet1k_v1", in_chans=4)
    rgb = resnet18_cached.conv1.weight
    expected = torch.cat([rgb, rgb[:, :1]], dim=1) * 3 / 4
    torch.testing.assert_close(four.stages.stem.conv.weight, expected)
    assert four(torch.randn(1, 4, 64, 64)).shape == (1, 1000)


def test_features_only_loads_the_backbone(resnet18_cached):
    backbone = zoo.create_model("resnet18", pretrained="tv_imagenet1k_v1", features_only=True,
                                out_indices=(1, 3)).eval()
    ref = resnet18_cached
    x = torch.randn(2, 3, 64, 48)
    with torch.no_grad():
        maps = backbone(x)
        y = ref.maxpool(ref.relu(ref.bn1(ref.conv1(x))))
        layer1 = ref.layer1(y)
        layer3 = ref.layer3(ref.layer2(layer1))
    assert [m.shape[1] for m in maps] == [64, 256]
    assert relative_error(maps[0], layer1) <= TOL and relative_error(maps[1], layer3) <= TOL


def test_transforms_match_torchvision_and_take_pil(resnet18_cached):
    from torchvision import transforms as T

    model = zoo.create_model("resnet18", pretrained="tv_imagenet1k_v1")
    pre = zoo.transforms(model)
    image = torch.rand(3, 300, 411)
    ref = T.Compose([T.Resize(256, interpolation=T.InterpolationMode.BILINEAR, antialias=True), T.CenterCrop(224),
                     T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])(image)
    torch.testing.assert_close(pre(image), ref, rtol=1e-5, atol=1e-5)
    assert pre(image[None]).shape == (1, 3, 224, 224)
    bicubic = zoo.transforms({**zoo.data_config(model), "interpolation": "bicubic", "crop_pct": 0.95})
    ref = T.Compose([T.Resize(235, interpolation=T.InterpolationMode.BICUBIC, antialias=True), T.CenterCrop(224),
                     T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])(image)
    torch.testing.assert_close(bicubic(image), ref, rtol=1e-5, atol=1e-5)

    from PIL import Image

    pil = Image.fromarray((image.permute(1, 2, 0) * 255).to(torch.uint8).numpy())
    assert pre(pil).shape == (3, 224, 224)
    with pytest.raises(TypeError, match="tensor .* or a PIL image"):
        pre([1, 2, 3])


# ---------------------------------------------------------------------------------------------- errors


def test_offline_without_a_cached_file_says_how_to_fetch_it(offline):
    hf_home, torch_home = offline
    with pytest.raises(WeightsNotFoundError) as err:
        zoo.create_model("resnet50", pretrained="a1_in1k")
    text = str(err.value)
    assert "timm/resnet50.a1_in1k" in text and str(hf_home / "hub") in text and "HF_HUB_OFFLINE=1" in text
    assert "hf download timm/resnet50.a1_in1k model.safetensors" in text

    with pytest.raises(WeightsNotFoundError) as err:
        zoo.create_model("alexnet", pretrained=True)
    text = str(err.value)
    url = "https://download.pytorch.org/models/alexnet-owt-7be5be79.pth"
    assert url in text and str(torch_home / "hub" / "checkpoints") in text and f"curl -L -o alexnet-owt-7be5be79.pth {url}" in text


OFFLINE_SCRIPT = """
import logging, sys, time
logging.basicConfig(level=logging.WARNING, stream=sys.stdout)
import torch, zoo
from zoo.weights import HubUnreachableError, WeightsNotFoundError
start = time.perf_counter()
try:
    zoo.create_model("resnet18", pretrained="a1_in1k")
except WeightsNotFoundError as err:
    print("SECONDS", time.perf_counter() - start)
    print("MESSAGE", str(err).replace(chr(10), " "))
try:
    zoo.push_to_hub(zoo.create_model("resnet18", num_classes=2), "me/tiny", token="hf_unused")
except HubUnreachableError as err:
    print("PUSH", str(err).replace(chr(10), " "))
"""


def test_without_network_a_hub_miss_fails_fast_once_and_names_hf_hub_offline(tmp_path):
    """No HF_HUB_OFFLINE, and the Hub's endpoint a closed local port (nothing leaves the machine): the
    first connection error ends it — no minute of retries, no second file tried — and says what to set."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "HF_ENDPOINT": "http://127.0.0.1:9", "HF_HOME": str(tmp_path / "hf"),
           "PYTHONPATH": str(Path(zoo.__file__).parents[1])}
    env.pop("HF_HUB_OFFLINE", None)
    env.pop("HF_HUB_CACHE", None)
    out = subprocess.run([sys.executable, "-c", OFFLINE_SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if line.split(" ", 1)[0].isupper())
    assert out.returncode == 0, out.stderr
    assert float(lines["SECONDS"]) < 5, out.stdout
    message = lines["MESSAGE"]
    assert "could not reach the Hugging Face Hub at http://127.0.0.1:9" in message and "HF_HUB_OFFLINE=1" in message
    assert "pytorch_model.bin" not in message and "Retrying" not in out.stdout + out.stderr
    assert "HF_HUB_OFFLINE=1" in lines["PUSH"] and "hf upload me/tiny" in lines["PUSH"]
    assert "could not reach the Hugging Face Hub at http://127.0.0.1:9 to push me/tiny" in lines["PUSH"]


def test_corrupt_or_truncated_files_are_named(offline, tmp_path, tv_resnet18):
    hf_home, torch_home = offline
    data = safetensors_bytes(tv_resnet18.state_dict(), tmp_path)
    write_hub_repo(hf_home, "timm/resnet18.a1_in1k", {"model.safetensors": data[: len(data) // 2]})
    with pytest.raises(CorruptCheckpointError, match="corrupt or truncated"):
        zoo.create_model("resnet18", pretrained="a1_in1k")

    path = write_torchvision_weights(torch_home, "resnet18.tv_imagenet1k_v1", tv_resnet18)
    path.write_bytes(path.read_bytes()[:100_000])
    with pytest.raises(CorruptCheckpointError, match=f"could not read {path}: the file is corrupt or truncated"):
        zoo.create_model("resnet18", pretrained="tv_imagenet1k_v1")


def test_another_architecture_is_refused_and_the_model_untouched(tmp_path, tv_resnet18):
    path = tmp_path / "resnet18.pth"
    torch.save(tv_resnet18.state_dict(), path)
    with pytest.raises(IncompatibleWeightsError, match=r"(?s)does not fit resnet50.*missing keys.*mis-shaped"):
        zoo.create_model("resnet50", pretrained=str(path))

    model = zoo.create_model("resnet34")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(IncompatibleWeightsError, match=r"(?s)left unchanged.*missing keys \(\d+\): stages\.layer1\.2"):
        zoo.load_pretrained(model, str(path))
    torch.testing.assert_close(model.state_dict(), before, rtol=0, atol=0)

    small = zoo.create_model("resnet18")
    zoo.load_pretrained(small, str(path))
    assert_same_outputs(small, tv_resnet18)


def test_pickled_code_is_never_run(tmp_path):
    ran = []

    class Payload:
        def __reduce__(self):
            return (ran.append, ("executed",))

    path = tmp_path / "evil.pth"
    torch.save({"conv1.weight": torch.zeros(1), "payload": Payload()}, path)
    with pytest.raises(UnsafeCheckpointError, match="refusing to load .*pickled code"):
        zoo.create_model("resnet18", pretrained=str(path))
    assert ran == []


def test_the_model_hook_fits_weights_made_for_another_configuration(tmp_path, forget_registrations):
    """A model's adapt_state_dict(state_dict) runs before the keys are checked (ViT resamples its
    position embedding there; a net built without auxiliary classifiers drops theirs)."""
    from zoo.models.resnet import ResNet

    class WithHook(ResNet):
        def adapt_state_dict(self, state_dict):
            return {k: v for k, v in state_dict.items() if not k.startswith("aux.")}

    zoo.register("resnet_hook_test", WithHook, block="basic", layers=(1, 1, 1, 1))
    zoo.register("resnet_nohook_test", ResNet, block="basic", layers=(1, 1, 1, 1))
    source = zoo.create_model("resnet_nohook_test")
    path = tmp_path / "with_aux.safetensors"
    save_file({**source.state_dict(), "aux.weight": torch.zeros(3)}, str(path))
    with pytest.raises(IncompatibleWeightsError, match=r"unexpected keys \(1\): aux\.weight"):
        zoo.create_model("resnet_nohook_test", pretrained=str(path))
    model = zoo.create_model("resnet_hook_test", pretrained=str(path))
    torch.testing.assert_close(model.state_dict(), source.state_dict(), rtol=0, atol=0)


def test_a_tag_in_the_name_without_weights(offline):
    """"name.tag" with pretrained=False builds the network those weights need and reports their input."""
    model = zoo.create_model("resnet50.a1_in1k")  # nothing is read: the caches are empty
    assert zoo.data_config(model)["interpolation"] == "bicubic" and model.pretrained_cfg["tag"] == "a1_in1k"
    assert zoo.class_names(zoo.create_model("resnet18", num_classes=10)) is None


def test_bad_pretrained_values(offline):
    with pytest.raises(ValueError, match="unknown pretrained tag 'a9_in1k' for resnet50; known tags: .*a1_in1k"):
        zoo.create_model("resnet50", pretrained="a9_in1k")
    with pytest.raises(WeightsNotFoundError, match="no such file or directory"):
        zoo.create_model("resnet50", pretrained="./nowhere/weights.pth")
    with pytest.raises(TypeError, match="pretrained must be True, False, a tag"):
        zoo.create_model("resnet50", pretrained=3)
    with pytest.raises(TypeError, match="needs a model name"):
        zoo.create_model(pretrained=True)


# ---------------------------------------------------------------------------------------------- catalog


def test_every_model_has_weights_and_a_default():
    import csv
    from importlib import resources

    from zoo.registry import _catalog
    from zoo.weights.catalog import default_entry

    text = resources.files("zoo.catalog").joinpath("weights.csv").read_text()
    rows = list(csv.DictReader(text.splitlines()))
    models = {r["model"] for r in rows}
    cataloged = set(_catalog()[0])
    found = [p / "shared" / "reference" for p in Path(__file__).resolve().parents]
    reference = next((p for p in found if (p / "weights.csv").is_file()), None)
    if reference is not None:  # the reference tables live beside the repository in this workspace
        # every reference weight of a model the zoo catalogs is in the zoo's catalog (models of the reference
        # not cataloged yet are added by their own .toml entry and a re-run of tools/weights_catalog.py)
        ref_rows = [r for r in csv.DictReader((reference / "weights.csv").open()) if r["name"] in cataloged]
        missing = {(r["name"], r["tag"]) for r in ref_rows} - {(r["model"], r["tag"]) for r in rows}
        assert not missing, f"reference weights missing from the catalog: {sorted(missing)}"
        required = {r["name"] for r in csv.DictReader((reference / "models.csv").open())}
        without = required - {r["name"] for r in csv.DictReader((reference / "weights.csv").open())}  # lenet5
    else:  # without the reference tables: the models whose only weights are not ImageNet-1k (LeNet-5, digits)
        without = {n for n in cataloged - models if zoo.model_info(n).input_size[0] == 1}
    assert models <= cataloged, f"weights of models the zoo does not catalog: {sorted(models - cataloged)}"
    assert cataloged - models <= without, f"cataloged models without weights: {sorted(cataloged - models - without)}"
    for name in models:
        size = zoo.model_info(name).input_size
        pool = [e for e in zoo.model_info(name).pretrained if e["license"] in ("apache-2.0", "mit", "bsd-3-clause")]
        default = default_entry(name, required=False)
        if default is None:  # vit_h_14: SWAG weights only, so pretrained=True says to ask by tag
            assert not pool
            with pytest.raises(ValueError, match=f"{name} has no weights under a permissive licence.*cc-by-nc-4.0"):
                default_entry(name)
            continue
        assert default.permissive, f"{name}: default {default.tag} is {default.license}"
        at_size = [e for e in pool if e["input_size"] == size]
        assert (default.input_size == size) == bool(at_size), name  # at the model's size whenever one is
        candidates = at_size or pool
        # a torchvision-named model picks among torchvision's own weights (its DEFAULT) when it has one there
        own = [e for e in candidates if e["source"].startswith("https://download.pytorch.org/")]
        scored = [e["top1"] for e in (own or candidates) if e["top1"] is not None]
        assert default.top1 == (max(scored) if scored else None)
    assert len(zoo.list_pretrained()) == len(rows) and "resnet50.a1_in1k" in zoo.list_pretrained("resnet50.*")
    assert zoo.list_pretrained("resnet5*") == zoo.list_pretrained("resnet50.*")
    info = zoo.model_info("resnet50").pretrained
    assert info[0]["default"] and {"tag", "license", "input_size", "top1", "top5", "file_mb"} <= set(info[0])
    assert all(e["top1"] is not None and e["top5"] is not None
               for name in models for e in zoo.model_info(name).pretrained)


def test_defaults_are_permissive_and_at_the_default_size():
    """No default weight is non-commercial; every torchvision-named model's default is at its default
    input size: vit_b_16 gets a 224-px weight (17.6 GMACs), not the 384-px CC-BY-NC SWAG one (55.5)."""
    import torchvision

    from zoo.weights.catalog import default_entry

    for name in zoo.list_models():
        entry = default_entry(name, required=False)
        if entry is None:
            continue
        assert "nc" not in entry.license.split("-"), f"{name}: default {entry.tag} is {entry.license}"
        if name in torchvision.models.list_models():
            assert entry.input_size == zoo.model_info(name).input_size, f"{name}: default {entry.name}"
    vit = default_entry("vit_b_16")
    assert (vit.tag, vit.input_size, vit.license) == ("tv_imagenet1k_v1", (3, 224, 224), "bsd-3-clause")
    assert default_entry("resnet50").tag == "tv_imagenet1k_v2"  # torchvision's DEFAULT
    assert default_entry("vit_s_16").ref_lib == "timm"  # not a torchvision model: the best permissive weight
    assert zoo.profile("vit_b_16." + vit.tag).gmacs == pytest.approx(17.6, abs=0.1)
    assert zoo.profile("vit_b_16.tv_imagenet1k_swag_e2e_v1").gmacs == pytest.approx(55.5, abs=0.1)


def test_a_non_commercial_weight_only_by_tag_and_with_a_warning(offline):
    _, torch_home = offline
    with pytest.warns(UserWarning, match=r"vit_b_16.tv_imagenet1k_swag_linear_v1 is licensed CC-BY-NC-4.0 "
                                         r"\(non-commercial use only\)"):
        with pytest.raises(WeightsNotFoundError):  # the caches are empty: the warning comes first
            zoo.create_model("vit_b_16", pretrained="tv_imagenet1k_swag_linear_v1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = zoo.create_model("vit_b_16.tv_imagenet1k_swag_linear_v1")  # the architecture only: no warning
        assert model.pretrained_cfg["license"] == "cc-by-nc-4.0"
        with pytest.raises(WeightsNotFoundError):
            zoo.create_model("vit_b_16", pretrained=True)


def test_list_pretrained_filters_by_licence_and_accuracy():
    nc = zoo.list_pretrained(license="cc-by-nc-4.0")
    assert "vit_b_16.tv_imagenet1k_swag_e2e_v1" in nc and "vit_b_16.augreg_in1k" not in nc
    permissive = zoo.list_pretrained("vit_b_16", license="permissive")
    assert "vit_b_16.augreg_in1k" in permissive and not set(permissive) & set(nc)
    assert set(zoo.list_pretrained(license=["cc-by-nc-4.0", "apache-2.0"])) >= set(nc)
    good = zoo.list_pretrained("resnet50", min_top1=80.0)
    assert good and all(get_entry("resnet50", n.split(".")[1]).top1 >= 80.0 for n in good)
    assert set(good) < set(zoo.list_pretrained("resnet50"))
    assert set(zoo.list_pretrained(min_top5=97.0, license="permissive")) < set(zoo.list_pretrained(min_top5=97.0))
    with pytest.raises(ValueError, match="unknown licence .*'gpl'.*the catalog's licences"):
        zoo.list_pretrained(license="gpl")


def test_model_info_of_a_weight():
    info = zoo.model_info("vit_b_16.tv_imagenet1k_swag_e2e_v1")
    (weight,) = info.pretrained
    assert info.name == "vit_b_16" and weight["tag"] == "tv_imagenet1k_swag_e2e_v1"
    assert weight["input_size"] == (3, 384, 384) and weight["license"] == "cc-by-nc-4.0"
    assert weight["top1"] == 85.304 and weight["top5"] == 97.65 and weight["file_mb"] == 331.398
    with pytest.raises(ValueError, match="unknown pretrained tag"):
        zoo.model_info("vit_b_16.nope")


def test_a_timm_alias_with_keywords_gets_the_weights_of_its_timm_network():
    from zoo.weights.catalog import default_entry

    entry = get_entry("mobilenet_v3_large", "ra_in1k", alias="mobilenetv3_large_100")
    assert entry.location == "timm/mobilenetv3_large_100.ra_in1k" and entry.arch["bn_eps"] == 1e-5
    assert default_entry("mobilenet_v3_large", alias="mobilenetv3_large_100").ref_arch == "mobilenetv3_large_100"
    with pytest.raises(ValueError, match="unknown pretrained tag 'tv_imagenet1k_v1' for mobilenetv3_large_100"):
        get_entry("mobilenet_v3_large", "tv_imagenet1k_v1", alias="mobilenetv3_large_100")
    with pytest.raises(ValueError, match=r"no pretrained weights for mobilenetv2_140 \(a configuration of mobilenet_v2\)"):
        default_entry("mobilenet_v2", alias="mobilenetv2_140")


def test_weight_keywords_are_accepted_by_their_models():
    """Keywords a weight needs (bn_eps, transform_input, img_size) exist on the registered model."""
    from zoo.registry import get_entry
    from zoo.weights.catalog import _entries

    checked = 0
    for name, entries in _entries().items():
        if name not in zoo.list_models():
            continue
        accepted = get_entry(name).accepted_keywords()
        for e in entries:
            if accepted is not None:
                assert set(e.arch) <= set(accepted), f"{e.name} needs {e.arch}, {name}() accepts {accepted}"
            checked += 1
    assert checked > 0


# ---------------------------------------------------------------------------------------------- faults


def test_random_bytes_are_corrupt_not_unsafe(tmp_path):
    path = tmp_path / "junk.pth"
    path.write_bytes(bytes(random.Random(0).randrange(256) for _ in range(5000)))
    with pytest.raises(CorruptCheckpointError,
                       match=r"junk.pth: the file is corrupt or not a checkpoint \(Unsupported operand"):
        zoo.create_model("resnet18", pretrained=path)


def test_save_pretrained_records_a_replaced_head(tmp_path):
    model = zoo.create_model("resnet18", num_classes=10)
    model.reset_classifier(5)
    zoo.save_pretrained(model, tmp_path / "reset")
    by_hand = zoo.create_model("resnet18", num_classes=10)
    by_hand.head.fc = torch.nn.Linear(512, 3)
    zoo.save_pretrained(by_hand, tmp_path / "by_hand")
    for source, folder in ((model, "reset"), (by_hand, "by_hand")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "head re-initialised" warning: the head is the saved one
            loaded = zoo.create_model(pretrained=tmp_path / folder)
        torch.testing.assert_close(loaded.state_dict(), source.state_dict(), rtol=0, atol=0)
    pooled = zoo.create_model("resnet18")
    pooled.reset_classifier(0)
    zoo.save_pretrained(pooled, tmp_path / "pooled")
    assert zoo.create_model(pretrained=tmp_path / "pooled").eval()(torch.randn(1, 3, 32, 32)).shape == (1, 512)
    changed = zoo.create_model("resnet18")
    changed.stages.stem.conv = torch.nn.Conv2d(3, 64, 3)
    with pytest.raises(ValueError, match=r"changed after create_model in a way its config cannot record \(stages.stem"):
        zoo.save_pretrained(changed, tmp_path / "changed")
    assert not (tmp_path / "changed").exists()


def test_features_only_refuses_another_architecture(tmp_path):
    resnet34 = tmp_path / "resnet34.safetensors"
    save_file(zoo.create_model("resnet34").state_dict(), str(resnet34))
    with pytest.raises(IncompatibleWeightsError, match=r"does not fit resnet18.*\n.*unexpected keys \(\d+\): "
                                                       r"stages.layer1.2"):
        zoo.create_model("resnet18", features_only=True, pretrained=resnet34)
    resnet18 = tmp_path / "resnet18.safetensors"
    full = zoo.create_model("resnet18")
    save_file(full.state_dict(), str(resnet18))  # its head and last stages are left out, nothing else
    early = zoo.create_model("resnet18", features_only=True, out_indices=(0, 1), pretrained=resnet18)
    torch.testing.assert_close(early.model.state_dict(), {k: v for k, v in full.state_dict().items()
                                                          if k in early.model.state_dict()}, rtol=0, atol=0)


@pytest.mark.parametrize("timm_name, name, fix", [
    ("mobilenetv3_small_100", "mobilenet_v3_small", "rounding='timm', bn_eps=1e-05"),
    ("tf_efficientnet_b0", "efficientnet_b0", "padding='same', bn_eps=0.001"),
])
def test_weights_trained_with_other_settings_are_refused_with_the_fix(tmp_path, timm_name, name, fix):
    """A timm file into the torchvision-style name loads without a missing key, and outputs 3-7 % off."""
    reference = randomize_norms(timm_model(timm_name)).eval()
    path = tmp_path / f"{timm_name}.safetensors"  # a Hub cache folder names the network the same way
    save_file({k: v.contiguous() for k, v in reference.state_dict().items()}, str(path))
    with pytest.raises(IncompatibleWeightsError, match=rf"holds {timm_name} weights \(timm keys\), trained with "
                                                       rf"{re.escape(fix)}.*zoo.create_model\('{timm_name}'"):
        zoo.create_model(name, pretrained=path)
    assert_same_outputs(zoo.create_model(timm_name, pretrained=path), reference)
