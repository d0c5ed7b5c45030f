// Unwinds its own stack with libgcc_eh's _Unwind_Backtrace on musl, where nothing registers
// the frames: the unwinder finds them only through PT_GNU_EH_FRAME, binary-searching the
// .eh_frame_hdr table (gcc 12's libgcc_eh asks glibc's _dl_find_object for it; musl has
// none, so this file provides one that finds the segment with dl_iterate_phdr). Without
// the table the unwinder finds no frame and aborts.
#define _GNU_SOURCE
#include <link.h>
#include <stdio.h>
#include <unwind.h>
static int frames;
static _Unwind_Reason_Code count(struct _Unwind_Context *ctx, void *arg) { (void)ctx; (void)arg; frames++; return _URC_NO_REASON; }
__attribute__((noinline)) int level3(int x) { _Unwind_Backtrace(count, 0); return x + frames; }
__attribute__((noinline)) int level2(int x) { return level3(x + 1) + 1; }
__attribute__((noinline)) int level1(int x) { return level2(x * 2) + 1; }
int main(int argc, char **argv) { (void)argv; int r = level1(argc); printf("frames=%d r=%d\n", frames, r); return frames > 4 ? 0 : 1; }

struct dl_find_object { unsigned long long flags; void *map_start, *map_end, *link_map, *eh_frame; unsigned long long reserved[7]; };
static int find_hdr(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_GNU_EH_FRAME) { ((struct dl_find_object *)data)->eh_frame = (void *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr); return 1; }
  return 0;
}
int _dl_find_object(void *pc, struct dl_find_object *result) {
  (void)pc;
  result->eh_frame = 0;
  dl_iterate_phdr(find_hdr, result);
  return result->eh_frame ? 0 : -1;
}
