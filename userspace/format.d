/work/main/userspace/format.o: /work/main/userspace/format.c \
 /work/main/userspace/../include/uapi/vmainspect.h \
 /work/main/userspace/../include/uapi/vmainspect_names.h \
 /work/main/userspace/../include/uapi/vmainspect.h \
 /work/main/userspace/format.h
/work/main/userspace/../include/uapi/vmainspect.h:
/work/main/userspace/../include/uapi/vmainspect_names.h:
/work/main/userspace/../include/uapi/vmainspect.h:
/work/main/userspace/format.h:
