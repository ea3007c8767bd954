/work/main/userspace/vma_text.o: /work/main/userspace/vma_text.c \
 /work/main/userspace/format.h \
 /work/main/userspace/../include/uapi/vmainspect.h \
 /work/main/userspace/vma_text.h /work/main/userspace/client.h
/work/main/userspace/format.h:
/work/main/userspace/../include/uapi/vmainspect.h:
/work/main/userspace/vma_text.h:
/work/main/userspace/client.h:
