"""mpgd_train: training of mpgd's hotspot predictors (GPDL congestion, RouteNet DRV) with MPGD."""

__version__ = "0.1.0"
