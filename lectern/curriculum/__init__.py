"""Course curriculum: sections, lessons, their files, and the totals they feed."""
