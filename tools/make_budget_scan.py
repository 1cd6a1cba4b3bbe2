#!/usr/bin/env python3
"""Draws one table of tests/budget/qingxi_2024_budget_tables.txt (a made-up disclosure) as a
ruled page image, optionally with cells changed, for the scanned-budget-table test.

usage: python3 tools/make_budget_scan.py TITLE OUT.png [ROW,COL=>TEXT ...]
e.g.   python3 tools/make_budget_scan.py 2024年预算支出总表 tests/budget/expenditure_one_digit.png "4,3=>800.00"
Needs Pillow and fonts-wqy-zenhei.
"""
import sys
from PIL import Image, ImageDraw, ImageFont
src=open(__import__('os').path.join(__import__('os').path.dirname(__file__), '..', 'tests/budget/qingxi_2024_budget_tables.txt')).read()
blocks=src.split('\n\n')
# pick tables by title
want=sys.argv[1]; out=sys.argv[2]; mutate=sys.argv[3:] 
lines=src.split('\n')
i=lines.index(want)
rows=[]
j=i+1
while j<len(lines) and not lines[j].startswith('单位'): j+=1
j+=1
while j<len(lines) and lines[j]=='' : j+=1
while j<len(lines) and lines[j]!='':
    rows.append(lines[j].split('\t')); j+=1
for m in mutate:
    a,b=m.split('=>'); rr,cc=map(int,a.split(',')); rows[rr][cc]=b
font=ImageFont.truetype('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',30)
W=2480; ncol=len(rows[0])
widths=[260,700]+[(W-200-960)//(ncol-2)]*(ncol-2) if ncol>3 else [700,600,600]
rh=60; top=420
img=Image.new('L',(W,top+rh*len(rows)+300),255); d=ImageDraw.Draw(img)
d.text((W//2-300,150),want,font=ImageFont.truetype('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',44),fill=0)
d.text((100,300),'部门名称：青溪县文化旅游局',font=font,fill=0); d.text((W-400,300),'单位：万元',font=font,fill=0)
x0=100
for r,row in enumerate(rows):
    y=top+r*rh; x=x0
    for c,t in enumerate(row):
        w=widths[c]
        d.rectangle([x,y,x+w,y+rh],outline=0,width=3)
        tw=d.textlength(t,font=font)
        tx = x+w-tw-12 if any(ch.isdigit() for ch in t) and '.' in t else x+12
        d.text((tx,y+12),t,font=font,fill=0)
        x+=w
img.save(out,dpi=(300,300))
