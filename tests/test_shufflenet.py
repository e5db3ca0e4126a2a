"""ShuffleNet V1 (mmpretrain's) and V2 (torchvision's), and the one channel shuffle both use."""

import pytest
import torch

import zoo
from equivalence import assert_equivalent, mmpretrain_classifier, torchvision_model
from zoo.blocks import ChannelShuffle

SIZE = (67, 45)  # odd, non-square


@pytest.mark.parametrize("name", ["shufflenet_v2_x0_5", "shufflenet_v2_x1_0"] + [
    pytest.param(n, marks=pytest.mark.slow) for n in ("shufflenet_v2_x1_5", "shufflenet_v2_x2_0")])
def test_torchvision(name):
    assert_equivalent(name, torchvision_model(name), "torchvision", input_size=SIZE)


def shufflenet_v1_reference(groups: int = 3):
    """mmpretrain's ShuffleNetV1 as its ImageNet config builds it: global average pool, linear head on 960."""
    return mmpretrain_classifier(backbone=dict(type="ShuffleNetV1", groups=groups),
                                 neck=dict(type="GlobalAveragePooling"),
                                 head=dict(type="LinearClsHead", num_classes=1000, in_channels=960))


def test_mmpretrain_shufflenet_v1():
    ref = shufflenet_v1_reference()
    assert {k.split(".")[0] for k in ref.state_dict()} == {"backbone", "head"}  # the OpenMMLab checkpoint layout
    assert_equivalent("shufflenet_v1", ref, "mmpretrain", input_size=SIZE)


def test_channel_shuffle_interleaves_the_groups():
    """Channel i of every group goes to group i, as the paper's Figure 1 and both references do it."""
    from mmpretrain.models.utils import channel_shuffle as mm_shuffle
    from torchvision.models.shufflenetv2 import channel_shuffle as tv_shuffle

    x = torch.arange(12.0).view(1, 12, 1, 1).expand(2, 12, 3, 5).contiguous()
    out = ChannelShuffle(3)(x)
    assert out[0, :, 0, 0].tolist() == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]
    for groups in (2, 3, 4):
        assert torch.equal(ChannelShuffle(groups)(x), tv_shuffle(x, groups))
        assert torch.equal(ChannelShuffle(groups)(x), mm_shuffle(x, groups))
    assert torch.equal(ChannelShuffle(3)(x.to(memory_format=torch.channels_last)), out)
    with pytest.raises(ValueError, match="divisible"):
        ChannelShuffle(5)(x)


def test_v1_groups_follow_table_1():
    """Table 1: the output widths for g = 1, 2, 3, 4, 8 (params as mmpretrain's backbone, head on the last width)."""
    import warnings

    for groups in (1, 2, 4, 8):
        model = zoo.create_model("shufflenet_v1", groups=groups, num_classes=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from mmpretrain.models.backbones import ShuffleNetV1
        ref = ShuffleNetV1(groups=groups)
        assert sum(p.numel() for p in model.parameters()) == sum(p.numel() for p in ref.parameters()), groups
    assert [f.channels for f in zoo.create_model("shufflenet_v1").feature_info] == [24, 240, 480, 960]
    with pytest.raises(ValueError, match="groups must be one of 1, 2, 3, 4, 8"):
        zoo.create_model("shufflenet_v1", groups=5)


def test_list_by_family():
    assert zoo.list_models(family="shufflenet") == [
        "shufflenet_v1", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0"]


def test_mmpretrain_shufflenet_v2():
    ref = mmpretrain_classifier(backbone=dict(type="ShuffleNetV2", widen_factor=1.0),
                                neck=dict(type="GlobalAveragePooling"),
                                head=dict(type="LinearClsHead", num_classes=1000, in_channels=1024))
    assert_equivalent("shufflenet_v2_x1_0", ref, "mmpretrain", input_size=SIZE)
