"""Quickstart: list the models, build one, run it on an image tensor, print its size."""

import torch

import zoo

print(f"{len(zoo.list_models())} models, e.g. {', '.join(zoo.list_models('resnet*')[:5])}")

name = "resnet50"
info = zoo.model_info(name)
print(f"{name}: {info.paper}")

torch.manual_seed(0)
model = zoo.create_model(name).eval()
size = info.input_size  # (3, 224, 224)

# an image tensor: a smooth colour gradient, normalised as ImageNet models expect
h, w = size[1:]
ys, xs = torch.meshgrid(torch.linspace(0, 1, h), torch.linspace(0, 1, w), indexing="ij")
image = torch.stack([xs, ys, (xs + ys) / 2])
mean, std = torch.tensor([0.485, 0.456, 0.406]), torch.tensor([0.229, 0.224, 0.225])
batch = ((image - mean[:, None, None]) / std[:, None, None]).unsqueeze(0)

with torch.no_grad():
    logits = model(batch)
    features = model.forward_intermediates(batch, intermediates_only=True)
params = sum(p.numel() for p in model.parameters())
print(f"input {tuple(batch.shape)} -> logits {tuple(logits.shape)}; {params:,} parameters "
      f"({params * 4 / 2**20:.1f} MiB in fp32)")
print("feature maps:", ", ".join(f"{f.shape[1]}x{f.shape[2]}x{f.shape[3]} (/{i.reduction})"
                                 for f, i in zip(features, model.feature_info)))
