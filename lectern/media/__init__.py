"""The media library: an owner's uploaded images, documents and videos."""
