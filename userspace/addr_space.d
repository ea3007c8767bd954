/work/main/userspace/addr_space.o: /work/main/userspace/addr_space.c \
 /work/main/userspace/addr_space.h /work/main/userspace/client.h \
 /work/main/userspace/../include/uapi/vmainspect.h \
 /work/main/userspace/format.h
/work/main/userspace/addr_space.h:
/work/main/userspace/client.h:
/work/main/userspace/../include/uapi/vmainspect.h:
/work/main/userspace/format.h:
