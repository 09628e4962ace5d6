"""Course curriculum: sections, lessons, resources, subtitles, and the totals they feed."""
