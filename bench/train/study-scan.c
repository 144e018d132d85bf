// A study, not part of the product (bench/README.md "Results, session 11"): the native floor of the
// feature spec's scan on one JSON Lines shard — decode each row's "text", lowercase and split ASCII
// tokens (bytes >= 0x80 kept as token bytes: an approximation of text.ts's token class), intern the
// tokens, and count the document frequency of every unigram, first token and bigram in one
// open-addressing table. It prints the counts and the seconds of that loop (file reading excluded).
// Usage: gcc -O3 -march=native -o /tmp/study-scan bench/train/study-scan.c &&
//        /tmp/study-scan bench/.data/train/full/spam/store/prepared/train-00000.jsonl
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
typedef struct { uint64_t key; int32_t df, last; } Slot;
static Slot *pt; static uint64_t pmask; static size_t pused;
static int32_t see(uint64_t key, int doc) {
  uint64_t h = key * 0x9E3779B97F4A7C15ull; size_t i = (h >> 20) & pmask;
  while (pt[i].df && pt[i].key != key) i = (i + 1) & pmask;
  if (!pt[i].df) { pt[i].key = key; pt[i].df = 0; pt[i].last = -1; pused++; }
  if (pt[i].last != doc) { pt[i].last = doc; pt[i].df++; }
  return 0;
}
typedef struct { uint32_t h, len, off; int32_t id; } TSlot;
static TSlot *tt; static uint32_t tmask = (1u<<20)-1; static char *chars; static size_t cused; static int32_t ntok;
static int32_t intern(const char *s, uint32_t len, uint32_t h) {
  uint32_t i = h & tmask;
  while (tt[i].len) { if (tt[i].h == h && tt[i].len == len && !memcmp(chars + tt[i].off, s, len)) return tt[i].id; i = (i + 1) & tmask; }
  memcpy(chars + cused, s, len); tt[i] = (TSlot){h, len, (uint32_t)cused, ntok}; cused += len; return ntok++;
}
int main(int argc, char **argv) {
  FILE *f = fopen(argv[1], "rb"); fseek(f, 0, SEEK_END); long n = ftell(f); rewind(f);
  char *buf = malloc(n + 1); fread(buf, 1, n, f); buf[n] = 0;
  pmask = (1u << 22) - 1; pt = calloc(pmask + 1, sizeof(Slot)); tt = calloc(tmask + 1, sizeof(TSlot)); chars = malloc(64 << 20);
  char *text = malloc(n); char tok[4096];
  struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
  int doc = 0; long tokens = 0; char *p = buf;
  while (*p) {
    char *t = strstr(p, "\"text\":\""); if (!t) break; t += 8; size_t m = 0;
    for (; *t && *t != '"'; t++) {
      if (*t == '\\') { t++; char c = *t; if (c == 'n') text[m++] = '\n'; else if (c == 't') text[m++] = '\t'; else if (c == 'u') { text[m++] = (char)0x80; t += 4; } else text[m++] = c; }
      else text[m++] = *t;
    }
    int prev = -1, first = 1; uint32_t h = 0x811c9dc5u; size_t len = 0;
    for (size_t i = 0; i <= m; i++) {
      unsigned char c = i < m ? (unsigned char)text[i] : 0; if (c >= 'A' && c <= 'Z') c += 32;
      int is = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
      if (is && len < sizeof tok) { tok[len++] = c; h = (h ^ c) * 16777619u; continue; }
      if (len) {
        int32_t id = intern(tok, len, h); tokens++;
        see((uint64_t)id << 1, doc);
        if (first) { see(((uint64_t)id << 1) | 1ull << 63, doc); first = 0; }
        if (prev >= 0) see(((uint64_t)prev << 32 | (uint64_t)id) << 1 | 1, doc);
        prev = id; len = 0; h = 0x811c9dc5u;
      }
    }
    doc++; p = t;
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("docs %d tokens %ld distinct tokens %d terms %zu: %.3f s\n", doc, tokens, ntok, pused, (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
}
