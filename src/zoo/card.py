"""Model cards: the ``README.md`` that ``zoo.save_pretrained`` and ``zoo.push_to_hub`` write beside the weights.

    print(zoo.model_card(model, load_as="hf-hub:me/my-model"))

The card is in the Hugging Face Hub's format: YAML metadata first (``license``, ``library_name: zoo``,
``tags``, ``datasets``, ``pipeline_tag``, and, for weights the catalog knows, ``model-index`` with their
ImageNet-1k top-1 and top-5; a fine-tuned model names its ``base_model``), then what a reader needs:
where the weights come from (and what a fine-tuned model was fine-tuned from), the architecture and its
paper, parameters and GMACs counted by ``zoo.profile``, the preprocessing, and a snippet that loads it.

A model carries the catalog weight it was made from in ``pretrained_cfg`` (through any number of
``save_pretrained`` round trips). It is described as those weights when it still has their head
(same classes, RGB input, not a ``features_only`` backbone); otherwise as fine-tuned from them.

``zoo.weights.load.save_pretrained`` writes the files (``config.json``, ``model.safetensors``); the
public ``zoo.save_pretrained`` and ``zoo.push_to_hub`` here add the card. (They live above the factory
because counting a model's GMACs needs ``zoo.profile``.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from torch import nn

from zoo.weights import sources

__all__ = ["model_card", "save_pretrained", "push_to_hub", "CARD_FILE"]

CARD_FILE = "README.md"

# licence ids the Hub knows; any other is written as ``license: other`` with its name
_HUB_LICENSES = {"apache-2.0", "mit", "bsd-2-clause", "bsd-3-clause", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0",
                 "cc-by-nc-sa-4.0", "cc-by-nc-nd-4.0", "llama2", "openrail"}
# the pre-training data a weight's tag names (timm's convention: "in22k_ft_in1k", "clip_laion2b_...")
_TAG_DATASETS = {"in1k": "imagenet-1k", "imagenet1k": "imagenet-1k", "in21k": "imagenet-21k",
                 "in22k": "imagenet-22k", "in12k": "imagenet-12k", "laion2b": "laion-2b"}


def _provenance(model: nn.Module) -> tuple[Any, bool]:
    """(the catalog entry the weights came from or None, whether the model still is those weights)."""
    from zoo.weights import catalog

    cfg = getattr(model, "pretrained_cfg", {}) or {}
    entry = catalog.find_location(cfg["weights"]) if isinstance(cfg.get("weights"), str) else None
    if entry is None:
        return None, False
    features_only = getattr(model, "model_config", {}).get("features_only", False)
    same_head = getattr(model, "num_classes", None) == entry.num_classes and not features_only
    return entry, same_head and tuple(cfg.get("input_size", (3,)))[0] == 3


def _url(entry) -> str:
    return f"https://huggingface.co/{entry.location}" if entry.source == "hf" else entry.location


def _datasets(tag: str) -> list[str]:
    words = tag.replace("-", "_").split("_")
    found = [_TAG_DATASETS[w] for w in words if w in _TAG_DATASETS]
    return list(dict.fromkeys(found + ["imagenet-1k"]))  # every catalogued weight ends on ImageNet-1k


def _count(model: nn.Module, input_size: tuple[int, ...]) -> tuple[int, int] | str:
    """(inference parameters, MACs) from ``zoo.profile``, or why they could not be counted: the card
    must not stop a model from being saved."""
    from zoo.profiling import profile

    try:
        p = profile(model, tuple(input_size))
    except (RuntimeError, ValueError, TypeError, NotImplementedError) as err:  # UncountedOperatorError included
        return f"not counted ({type(err).__name__}: {str(err).splitlines()[0]})"
    return p.params - p.unused_param_count, p.macs


def model_card(model: nn.Module, *, load_as: str | None = None) -> str:
    """The Hub model card (``README.md`` text) of a model made by ``zoo.create_model``.

    ``load_as``: what the usage snippet passes as ``pretrained=`` (``"hf-hub:me/repo"`` or a folder);
    default: the folder the card sits in (``"path/to/this/folder"``).
    """
    from huggingface_hub import EvalResult, ModelCardData

    from zoo.comparing import reported_accuracy
    from zoo.registry import model_info
    from zoo.weights.preprocess import data_config, transforms

    config = getattr(model, "model_config", None)
    if config is None:
        raise TypeError("a model card needs a model made by zoo.create_model (it records how it was built)")
    arch, kwargs = config["architecture"], dict(config.get("kwargs", {}))
    features_only = bool(config.get("features_only"))
    cfg = getattr(model, "pretrained_cfg", {}) or {}
    entry, as_trained = _provenance(model)
    try:
        info = model_info(arch)
    except ValueError:  # registered by the user: no catalog facts
        info = None
    data = data_config(model)
    input_size = tuple(data["input_size"])
    num_classes = getattr(model, "num_classes", None)

    # ------------------------------------------------------------------------------------------ metadata
    licence = entry.license if entry is not None else cfg.get("license") or None
    tags = ["zoo", "image-classification" if not features_only and num_classes else "image-feature-extraction"]
    tags += [t for t in (info.family if info else None, arch) if t and t not in tags]
    metadata: dict[str, Any] = {"library_name": "zoo", "tags": tags, "pipeline_tag": tags[1]}
    if licence:
        if licence in _HUB_LICENSES:
            metadata["license"] = licence
        else:
            metadata.update(license="other", license_name=licence)
    if entry is not None:
        metadata["datasets"] = _datasets(entry.tag)
        if not as_trained and entry.source == "hf":
            metadata["base_model"] = entry.location
    top1, top5 = reported_accuracy(entry.model, entry.tag) if entry is not None else (None, None)
    if as_trained and top1 is not None:
        metadata["metrics"] = ["accuracy"]
        common = dict(task_type="image-classification", task_name="Image Classification", dataset_type="imagenet-1k",
                      dataset_name="ImageNet-1k", dataset_split="validation", metric_type="accuracy",
                      source_name=entry.ref_lib, source_url=_url(entry))
        metadata["eval_results"] = [EvalResult(**common, metric_name="Top-1 accuracy", metric_value=top1)]
        if top5 is not None:
            metadata["eval_results"].append(EvalResult(**common, metric_name="Top-5 accuracy", metric_value=top5))
        metadata["model_name"] = entry.name
    yaml = ModelCardData(**metadata).to_yaml()

    # ------------------------------------------------------------------------------------------ body
    title = entry.name if as_trained else arch
    lines = [f"# {title}", ""]
    what = ("A backbone (`features_only`: one feature map per stage)" if features_only
            else f"An image classifier ({num_classes} classes)" if num_classes else "An image feature extractor")
    lines += [f"{what}: `{arch}`, built by the zoo library.", "", "## Weights", ""]
    if entry is not None:
        where = f"[`{entry.location}`]({_url(entry)})" if entry.source == "hf" else f"<{entry.location}>"
        scores = ", ".join(f"top-{k} {v:.2f} %" for k, v in ((1, top1), (5, top5)) if v is not None)
        scored = f" (ImageNet-1k {scores}, as its source reports)" if scores else ""
        if as_trained:
            lines.append(f"The weights `{entry.name}` from {where}: ImageNet-1k validation "
                         f"{scores or 'accuracy not reported by the source'}, as that source reports it.")
        else:
            change = ("kept as a backbone (its classifier dropped)" if features_only
                      else f"a new {num_classes}-class head" if num_classes != entry.num_classes
                      else f"its first convolution adapted to {input_size[0]}-channel input")
            lines.append(f"Fine-tuned from `{entry.name}`, {where}{scored}: {change}. The ImageNet figures of "
                         f"those weights do not describe this model.")
        lines.append(f"Licence: {entry.license or 'not stated'} (the licence of the weights it comes from).")
    elif cfg.get("weights"):
        lines.append(f"Initialised from `{cfg['weights']}`, weights the zoo's catalog does not describe.")
    else:
        lines.append("Not from a catalogued source: initialised at random by `zoo.create_model`, then trained (or not) "
                     "by whoever saved it.")

    lines += ["", "## Architecture", "", "| | |", "|---|---|", f"| architecture | `{arch}`"
              + (f" ({info.family} family)" if info else "") + " |"]
    if info and info.paper:
        lines.append(f"| paper | {info.paper} |")
    if kwargs:
        lines.append("| keywords | " + ", ".join(f"`{k}={v!r}`" for k, v in sorted(kwargs.items())) + " |")
    counted = _count(model, input_size)
    if isinstance(counted, tuple):
        params, macs = counted
        lines += [f"| parameters | {params:,} ({params / 1e6:.2f} M) |",
                  f"| GMACs | {macs / 1e9:.3f} at {'×'.join(map(str, input_size))} (one MAC = one multiply-add; "
                  f"counted by `zoo.profile`) |"]
    else:
        lines.append(f"| parameters, GMACs | {counted} |")
    if features_only:
        lines.append(f"| stages returned | {list(config.get('out_indices') or [])} |")

    pre = transforms(data)
    resize = pre.scale if isinstance(pre.scale, int) else "×".join(map(str, pre.scale))
    mean = ", ".join(f"{v:.4g}" for v in data["mean"])
    std = ", ".join(f"{v:.4g}" for v in data["std"])
    lines += ["", "## Preprocessing", "",
              f"Resize the shorter side to {resize} px ({data['interpolation']}), crop the centre "
              f"{input_size[1]}×{input_size[2]}, scale to [0, 1], normalise with mean ({mean}) and std ({std}) "
              f"(crop_pct {data['crop_pct']:g}). `zoo.transforms(model)` does exactly this."]

    source = load_as or "path/to/this/folder"
    use = ("maps = model(preprocess(image)[None])   # one NCHW map per stage" if features_only
           else "logits = model(preprocess(image)[None])")
    lines += ["", "## Usage", "", "```python", "import zoo", "",
              f"model = zoo.create_model(pretrained={json.dumps(source)}).eval()",
              "preprocess = zoo.transforms(model)   # image: a PIL image or a (3, H, W) uint8 tensor", use]
    if as_trained and num_classes == 1000:
        lines.append("print(zoo.class_names(model)[logits.argmax()])")
    lines += ["```", ""]
    return f"---\n{yaml}\n---\n\n" + "\n".join(lines)


def save_pretrained(model: nn.Module, directory: str | Path, *, format: str = "zoo", load_as: str | None = None) -> Path:
    """Write ``config.json``, ``model.safetensors`` (the Hub layout) and the ``README.md`` model card to
    ``directory``; ``zoo.create_model(pretrained=directory)`` rebuilds exactly this model."""
    from zoo.weights.load import save_pretrained as save_files

    if format != "zoo":  # timm's folder (format="timm"): timm's own config and keys, no zoo card
        return Path(save_files(model, directory, format=format))
    card = model_card(model, load_as=load_as or str(directory))
    return Path(save_files(model, directory, extra_files={CARD_FILE: card}))  # one atomic swap, card included


def push_to_hub(model: nn.Module, repo_id: str, *, private: bool | None = None, token: str | None = None,
                commit_message: str = "Upload zoo model", revision: str | None = None) -> str:
    """``save_pretrained`` (files and card) into a Hugging Face Hub repository, created if needed;
    returns the commit URL. Load it back with ``zoo.create_model(pretrained="hf-hub:" + repo_id)``."""
    import tempfile

    from huggingface_hub import HfApi

    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, private=private, exist_ok=True)
    except sources.network_errors() as err:  # no network: said once, as downloads say it, not a bare ConnectError
        why = ("uploads need the network, and HF_HUB_OFFLINE=1 is set" if sources.offline()
               else sources.unreachable_message(f"push {repo_id}", err))
        raise sources.HubUnreachableError(
            f"{why}\nMeanwhile zoo.save_pretrained(model, 'folder') writes what would be pushed; upload it later "
            f"with `hf upload {repo_id} folder`.") from err
    with tempfile.TemporaryDirectory() as tmp:
        save_pretrained(model, tmp, load_as=f"hf-hub:{repo_id}")
        commit = api.upload_folder(repo_id=repo_id, folder_path=tmp, commit_message=commit_message, revision=revision)
    return str(getattr(commit, "commit_url", commit))
