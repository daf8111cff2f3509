"""Case studies as notebooks: built from percent-format sources, executed, checked."""
