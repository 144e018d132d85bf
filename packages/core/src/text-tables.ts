/**
 * Unicode tables measured from onnxruntime-node 1.30.0 (generated; do not edit by hand):
 * what its StringNormalizer (LOWER, C.UTF-8) and Tokenizer (RE2 `[\p{L}\p{M}\p{N}]`) do per code point.
 * JavaScript's own Unicode data is newer than onnxruntime's, so `text.ts` uses these instead.
 */

/** Token characters: comma-separated base-36 `start` or `start-length` ranges (length = end - start). */
export const TOKEN_RANGES =
  "1c-9,1t-p,2p-p,4q,4y-1,51,55-1,58-2,5c-m,60-u,6w-cp,jq-b,kg-4,ks,ku,lc-38,om-1,oq-3,ov,p2,p4-2,p8,pa-j,pv-2a," +
  "s7-3u,w3-4s,10x-11,121,128-14,13l-18,14v,14x-1,150-1,153,15c-q,167-3,174-a,17k-21,19q-2t,1cl-7,1cv-9,1d6-i,1dr," +
  "1e8-1m,1fx-2s,1j4-1h,1kq,1kt,1kw-19,1mo-r,1nk-a,1o0-n,1op-5,1p4-21,1r7-3k,1uu-9,1v5-i,1vp-7,1vz-1,1w3-l,1wq-6," +
  "1wy,1x2-3,1x8-8,1xj-1,1xn-3,1xz,1y4-1,1y7-4,1ye-b,1ys-5,1z0,1z2,1z5-2,1z9-5,1zj-1,1zn-l,20a-6,20i-1,20l-1," +
  "20o-1,20s,20u-4,213-1,217-2,21d,21l-3,21q,21y-f,22p-2,22t-8,233-2,237-l,23u-6,242-1,245-4,24c-9,24n-2,24r-2," +
  "24w,25c-3,25i-9,261-6,269-2,26d-7,26n-1,26r-l,27e-6,27m-1,27p-4,27w-8,287-1,28b-2,28l-2,28s-1,28v-4,292-9," +
  "29d-6,29u-1,29x-5,2a6-2,2aa-3,2ah-1,2ak,2am-1,2ar-1,2aw-2,2b2-b,2bi-4,2bq-2,2bu-3,2c0,2c7,2cm-c,2dc-c,2dq-2," +
  "2du-m,2ei-f,2f0-8,2fa-2,2fe-3,2fp-1,2fs-2,2fx,2g0-3,2g6-9,2go-6,2gw-3,2h1-7,2ha-2,2he-m,2i2-9,2id-4,2ik-8," +
  "2iu-2,2iy-3,2j9-1,2jh-1,2jk-3,2jq-9,2k1-2,2kg-c,2ku-2,2ky-1e,2me-2,2mi-4,2ms-f,2na-i,2nu-5,2o1-2,2o5-h,2oq-n," +
  "2pf-8,2pp,2ps-6,2q2,2q7-5,2qe,2qg-7,2qu-9,2r6-1,2rl-1l,2tc-e,2ts-9,2v5-1,2v8,2va-4,2vg-n,2w5,2w7-m,2ww-4,2x2," +
  "2x4-6,2xc-9,2xo-3,2yo,2zc-1,2zk-j,305,307,309,30e-9,30p-z,31t-j,32e-h,32x-z,346,35s-21,380-25,3a8-11,3bb,3bh," +
  "3bk-16,3cs-98,3m2-3,3m8-6,3mg,3mi-3,3mo-14,3nu-3,3o0-w,3oy-3,3p4-6,3pc,3pe-3,3pk-e,3q0-1k,3rm-3,3rs-1u,3tp-2," +
  "3u1-j,3uo-f,3vk-2d,3y0-5,3y9-h7,4fj-g,4g1-p,4gw-22,4j2-a,4jk-l,4kf-l,4lc-j,4m8-c,4mm-2,4mq-1,4n4-2b,4pj,4po-1," +
  "4ps-9,4q8-9,4qz-2,4r3-a,4rk-2g,4u8-16,4vk-1x,4xs-u,4yo-b,4z4-b,4zq-13,50w-4,51c-17,52o-p,53k-a,54w-r,55s-1q," +
  "57k-s,58f-a,58w-9,59j,59s-u,5c0-24,5e8-9,5ez-8,5fk-37,5j4-1j,5kw-9,5l9-1c,5mo-8,5n4-16,5od-2,5ow-2,5p0-12," +
  "5q8-et,654-5,65c-11,66g-5,66o-7,66x,66z,671,673-u,680-1g,69i-6,69q,69u-2,69y-6,6a8-3,6ae-5,6ao-c,6b6-2,6ba-6," +
  "6eo-1,6es-5,6f3-a,6fk-c,6hc-w,6iq,6iv,6iy-9,6j9,6jd-4,6jo,6jq,6js,6ju-3,6jz-a,6kc-3,6kl-4,6ku,6kw-1l,76o-1n," +
  "7ai-l,7sm-t,8ow-6c,8vf-8,8vx,8w0-11,8x3,8x9,8xc-1j,8z3,8zj-n,90g-6,90o-6,90w-6,914-6,91c-6,91k-6,91s-6,920-6," +
  "928-v,94f,9hh-2,9i9-e,9ip-4,9iw-4,9j5-2d,9ll-1,9lp-2,9lt-2h,9oc-3,9ol-16,9pt-2l,9si-3,9sw-v,9v4-f,9wg-9,9xk-7," +
  "9xt-e,9z4-9,a0h-e,a9s-533,feo-h3g,wk0-19,wlc-7g,wsw-r,wu8-1e,wvo-9,wvz-36,x07-8,x0i-2u,x3f-1r,x5c-1,x5f,x5h-4," +
  "x6a-1h,x7w,x80-5,x8g-1f,xa8-1x,xcg-9,xcw-n,xdn,xdp-1c,xf4-z,xgg-s,xhc-1s,xjj-a,xk0-u,xkw-1i,xmo-d,xn4-9,xnk-m," +
  "xoa-20,xqz-2,xr4-f,xrm-4,xs1-5,xs9-5,xsh-5,xsw-6,xt4-6,xtc-16,xuk-d,xv4-3e,xyk-1,xyo-9,xz4-8mb,16ls-m,16mj-1c," +
  "1d6o-a5,1dgw-2x,1dkw-6,1dlf-4,1dlp-b,1dm2-c,1dmg-4,1dmm,1dmo-1,1dmr-1,1dmu-2z,1dqr-a2,1e1c-1r,1e36-1h,1e5s-b," +
  "1e68-f,1e74-f,1e9c-4,1e9i-3q,1eds-9,1ee9-p,1ef5-p,1eg6-2g,1eiq-5,1eiy-5,1ej6-5,1eje-2,1ekg-b,1ekt-p,1elk-i," +
  "1em4-1,1em7-e,1emo-d,1eo0-3e,1err-18,1etc-1k,1eve-1,1eyl,1f28-s,1f34-1c,1f4w-r,1f5s-z,1f71-t,1f80-16,1f9c-t," +
  "1fa8-z,1fbc-7,1fbl-4,1fcw-4d,1fhc-9,1fhs-z,1fiw-z,1fk0-13,1flc-1f,1fn4-a,1fng-e,1fnw-6,1fo4-1,1fo7-a,1foj-e," +
  "1foz-6,1fp7-1,1fr4-8m,1g00-l,1g0w-7,1g1s-5,1g1z-15,1g36-8,1g5c-5,1g5k,1g5m-17,1g6v-1,1g70,1g73-m,1g7s-u," +
  "1g8p-11,1g9z-8,1gbk-i,1gc4-1,1gcb-w,1gdc-p,1gg0-1j,1gho-j,1gia-1d,1gjp-1,1gjw-7,1gk5-2,1gk9-s,1gl4-2,1glb-9," +
  "1gm8-u,1gn4-v,1gow-7,1gp5-t,1gq3-4,1gqo-1h,1gsg-l,1gt4-q,1gu0-p,1gvd-6,1gxs-20,1h1c-1e,1h34-1e,1h4q-19,1h68-9," +
  "1heo-u,1hfk-15,1hgr-1,1hgw-1,1hj1-16,1hkg-10,1hm8-l,1ho0-r,1hpc-m,1hq8-1y,1hsi-z,1htr-1n,1hvm,1hw0-o,1hww-9," +
  "1hxc-1g,1hyu-9,1hz8-3,1hzk-z,1i0m,1i0w-1w,1i2x-3,1i32-c,1i3g,1i3l-j,1i4g-h,1i4z-10,1i66-3,1i80-6,1i88,1i8a-3," +
  "1i8f-e,1i8v-9,1i9c-1m,1ib4-9,1ibk-3,1ibp-7,1ibz-1,1ic3-l,1icq-6,1icy-1,1id1-4,1id7-9,1idj-1,1idn-2,1ids,1idz," +
  "1ie5-6,1iee-6,1ieo-4,1iio-22,1ikw-9,1ila-3,1im8-1x,1io7,1iog-9,1itc-1h,1iuw-8,1ivs-5,1iww-1s,1iys,1iz4-9," +
  "1j0g-1k,1j28-9,1j40-q,1j4t-e,1j5c-b,1j5s-6,1jb4-1m,1jfk-2a,1ji7-7,1jih,1jik-7,1jit-1,1jiw-t,1jjr-1,1jjv-8," +
  "1jkg-9,1jmo-7,1jmy-19,1joa-7,1joj-1,1jpc-1q,1jrb,1jrk-21,1jtp,1ju8-20,1k3k-8,1k3u-18,1k54-8,1k5s-s,1k6q-t," +
  "1k7m-l,1k89-d,1kao-6,1kaw-1,1kaz-17,1kca,1kcc-1,1kcf-8,1kcw-9,1kdc-5,1kdj-1,1kdm-10,1keo-1,1ker-5,1kf4-9," +
  "1ko0-m,1kow-g,1kpe-14,1kqm-4,1kr4-9,1kts,1ku8-k,1kw0-pl,1log-32,1ls0-5f,1nyo-2o,1o1s-tr,1ow0-l,1s00-g6,1z40-fs," +
  "1zk0-u,1zkw-9,1zlc-26,1znk-9,1zo0-t,1zow-4,1zpc-1i,1zr4-3,1zrk-9,1zrv-6,1zs3-k,1zst-i,20cg-2e,20hs-22,20jz-1k," +
  "20lr-g,20o0-1,20o3-1,20og-1,20ow-4qf,25fk-yd,26f4-8,2dbk-3,2dbp-6,2dbx-1,2dc0-82,2dki,2dlc-2,2dlh,2dlw-3," +
  "2dm8-az,2fpc-2y,2fsg-c,2fsw-8,2ftc-9,2ftp-1,2jgg-19,2jhs-m,2jxh-4,2jxp-5,2jy3-7,2jyd-6,2jze-3,2k3m-2,2k74-j," +
  "2k80-j,2kbk-o,2kg0-2c,2kie-1y,2kke-1,2kki,2kkl-1,2kkp-3,2kku-b,2kl7,2kl9-6,2klh-1s,2knb-3,2knh-7,2knq-6,2kny-r," +
  "2kor-3,2kow-4,2kp2,2kp6-6,2kpe-9f,2kyw-o,2kzm-o,2l0c-u,2l18-o,2l1y-u,2l2u-o,2l3k-u,2l4g-o,2l56-u,2l62-o,2l6s-7," +
  "2l72-1d,2lmo-1i,2lob-1d,2lpx,2lqc,2lqz-4,2lr5-e,2mm8-u,2mn9-5,2mtc-6,2mtk-g,2mu3-6,2mub-1,2mue-4,2muo-1p,2mxb," +
  "2n0g-18,2n1s-d,2n28-9,2n2m,2nbk-u,2ncw-1l,2nrk-15,2odc-6,2odk-3,2odp-1,2ods-e,2oe8-5g,2ojr-f,2olc-23,2onk-9," +
  "2p9t-1m,2pbh-2,2pbl-3,2pdt-18,2pf3-e,2pkw-3,2pl1-q,2plt-1,2plw,2plz,2pm1-9,2pmc-3,2pmh,2pmj,2pmq,2pmv,2pmx," +
  "2pmz,2pn1-2,2pn5-1,2pn8,2pnb,2pnd,2pnf,2pnh,2pnj,2pnl-1,2pno,2pnr-3,2pnw-6,2po4-3,2po9-3,2poe,2pog-9,2por-g," +
  "2ppd-2,2pph-4,2ppn-g,2q68-c,2sc0-9,2t4w-wyn,3q4g-37d,3tc0-65,3ti8-4g1,3xyo-5rk,43qo-h9,464g-f1,47pc-3t6," +
  "4bio-38f,jo5c-6n";

/** Lowercase mappings: base-36 `start:count:delta[:2]` runs (stride 2 when `:2`), delta may be negative. */
export const LOWER_RUNS =
  "1t:q:w,5c:n:w,60:7:w,74:o:1:2,8g:1:-5j,8i:3:1:2,8p:8:1:2,96:n:1:2,ag:1:-3d,ah:3:1:2,ap:1:5u,aq:2:1:2,au:1:5q," +
  "av:1:1,ax:2:5p,az:1:1,b2:1:27,b3:1:5m,b4:1:5n,b5:1:1,b7:1:5p,b8:1:5r,ba:1:5v,bb:1:5t,bc:1:1,bg:1:5v,bh:1:5x," +
  "bj:1:5y,bk:3:1:2,bq:1:62,br:1:1,bt:1:62,bw:1:1,by:1:62,bz:1:1,c1:2:61,c3:2:1:2,c7:1:63,c8:1:1,cc:1:1,ck:1:2," +
  "cl:1:1,cn:1:2,co:1:1,cq:1:2,cr:9:1:2,da:9:1:2,dt:1:2,du:2:1:2,dy:1:-2p,dz:1:-1k,e0:k:1:2,f4:1:-3m,f6:9:1:2," +
  "fu:1:8bv,fv:1:1,fx:1:-4j,fy:1:8bs,g1:1:1,g3:1:-5f,g4:1:1x,g5:1:1z,g6:5:1:2,og:2:1:2,om:1:1,ov:1:38,p2:1:12," +
  "p4:3:11,p8:1:1s,pa:2:1r,pd:h:w,pv:9:w,r3:1:8,rc:c:1:2,s4:1:-1o,s7:1:1,s9:1:-7,sa:1:1,sd:3:-3m,sg:g:28,sw:w:w," +
  "v4:h:1:2,wa:r:1:2,xs:1:f,xt:7:1:2,y8:1c:1:2,10x:12:1c,3a8:12:5ls,3bb:1:5ls,3bh:1:5ls,3vk:28:tzk,3xs:6:8," +
  "5n4:17:-2bk,5od:3:-2bk,5xc:23:1:2,61q:1:-5vj,61s:1c:1:2,64o:8:-8,654:6:-8,65k:8:-8,660:8:-8,66g:6:-8," +
  "66x:4:-8:2,67c:8:-8,688:8:-8,68o:8:-8,694:8:-8,69k:2:-8,69m:2:-22,69o:1:-9,6a0:4:-2e,6a4:1:-9,6ag:2:-8," +
  "6ai:2:-2s,6aw:2:-8,6ay:2:-34,6b0:1:-7,6bc:2:-3k,6be:2:-3i,6bg:1:-9,6jq:1:-5st,6ju:1:-6gv,6jv:1:-6di,6k2:1:s," +
  "6lc:g:g,6mb:1:1,792:q:q,8ow:1c:1c,8rk:1:1,8rm:1:-8af,8rn:1:-2xy,8ro:1:-89z,8rr:3:1:2,8rx:1:-8bg,8ry:1:-8al," +
  "8rz:1:-8bj,8s0:1:-8bi,8s2:1:1,8s5:1:1,8se:2:-8cf,8sg:1e:1:2,8vf:2:1:2,8vm:1:1,wu8:n:1:2,ww0:e:1:2,x0i:7:1:2," +
  "x0y:v:1:2,x2x:2:1:2,x31:1:-r9g,x32:5:1:2,x3f:1:1,x3h:1:-wmg,x3k:2:1:2,x3q:a:1:2,x4a:1:-wn8,x4b:1:-wnj," +
  "x4c:1:-wnf,x4d:1:-wn5,x4e:1:-wn8,x4g:1:-wlu,x4h:1:-wmi,x4i:1:-wlx,x4j:1:ps,x4k:8:1:2,x50:1:-1c,x51:1:-wn7," +
  "x52:1:-raw,x53:2:1:2,x5c:1:1,x5i:2:1:2,x6d:1:1,1ee9:q:w,1fcw:14:14,1fhs:10:14,1fn4:b:13,1fng:f:13,1fnw:7:13," +
  "1fo4:2:13,1h1c:1f:1s,1jfk:w:w,20cg:w:w,2olc:y:y";
