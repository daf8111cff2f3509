"""The small convolutional backbone, PyTorch version: 32x32 RGB images in, 32 features out."""

from torch import nn

FEATURES = 32


class PerImageStandardization(nn.Module):
    """Subtract each image's mean colour and divide by its spread.

    Colour and brightness say nothing about the shape, so the network starts without them.
    """

    def forward(self, images):
        """Standardise a batch of N x 3 x H x W images."""
        mean = images.mean(dim=(2, 3), keepdim=True)
        spread = images.std(dim=(1, 2, 3), keepdim=True, correction=0)
        return (images - mean) / (spread + 1e-3)


def make_backbone():
    """Standardise, three conv-BN-ReLU-pool blocks, then global average pooling."""
    blocks, channels = [PerImageStandardization()], 3
    for width in (8, 16, FEATURES):
        blocks += [
            nn.Conv2d(channels, width, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.MaxPool2d(2),
        ]
        channels = width
    return nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten())
