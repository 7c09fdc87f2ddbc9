#!/usr/bin/env python3
"""Fourteenth round: per sample of the fifth round's dataset, total history cost over the pattern stage's total
overflow (as a ratio map, and in tracks); per split and design. Usage: dose.py (reads /work/data/hist/dataset.parquet)."""
import pyarrow.parquet as pq, numpy as np
t=pq.read_table('/work/data/hist/dataset.parquet').to_pydict()
rows=[]
for i in range(len(t['id'])):
    g=lambda k: np.array(t[k][i],dtype=np.float64)
    h=g('history').sum()
    eh,ev,ch,cv=g('egr_overflow_h'),g('egr_overflow_v'),g('capacity_h'),g('capacity_v')
    er=(eh+ev).sum(); et=(eh*ch+ev*cv).sum()
    rows.append((t['split'][i],t['design'][i],t['variant'][i],h,er,et))
for split in ['train','test']:
    r=[x for x in rows if x[0]==split and x[4]>0 and x[3]>0]
    H=np.array([x[3] for x in r]);ER=np.array([x[4] for x in r]);ET=np.array([x[5] for x in r])
    print(split,len(r),'of',sum(1 for x in rows if x[0]==split))
    for name,E in [('ratio',ER),('tracks',ET)]:
        q=H/E
        print(' ',name,'pooled K=%.2f'%(H.sum()/E.sum()),'median %.2f q25 %.2f q75 %.2f min %.2f max %.2f'%(np.median(q),*np.percentile(q,[25,75]),q.min(),q.max()), 'log-sd %.2f'%np.log(q).std())
    # per design
    ds=sorted(set(x[1] for x in r))
    for d in ds:
        rr=[x for x in r if x[1]==d]
        q=np.array([x[3]/x[5] for x in rr]); q2=np.array([x[3]/x[4] for x in rr])
        print('   %-40s n=%3d tracks-ratio med %.2f [%.2f..%.2f]  egr-ratio med %.1f'%(d,len(rr),np.median(q),q.min(),q.max(),np.median(q2)))
