#!/usr/bin/env python3
"""Fourteenth round: the share of the history cost on the GCells where the pattern stage overflowed, per split.
Usage: mass.py (reads /work/data/hist/dataset.parquet)."""
import pyarrow.parquet as pq, numpy as np
t=pq.read_table('/work/data/hist/dataset.parquet').to_pydict()
for split in ['train','test']:
    m_on=m_all=0; n_on=n_all=0
    for i in range(len(t['id'])):
        if t['split'][i]!=split: continue
        g=lambda k: np.array(t[k][i],dtype=np.float64)
        h=g('history'); e=g('egr_overflow_h')+g('egr_overflow_v')
        m_all+=h.sum(); m_on+=h[e>0].sum(); n_all+=h.size; n_on+=(e>0).sum()
    print(split,'history mass on egr>0 GCells: %.3f; those GCells: %.3f of all'%(m_on/m_all,n_on/n_all))
