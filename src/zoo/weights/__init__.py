"""Pretrained weights and foreign checkpoints."""

from .convert import convert_state_dict

__all__ = ["convert_state_dict"]
