"""Synthetic media: parcel-label photos and telephone-quality complaint calls."""
