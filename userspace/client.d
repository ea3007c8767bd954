/work/main/userspace/client.o: /work/main/userspace/client.c \
 /work/main/userspace/client.h \
 /work/main/userspace/../include/uapi/vmainspect.h \
 /work/main/userspace/main.h
/work/main/userspace/client.h:
/work/main/userspace/../include/uapi/vmainspect.h:
/work/main/userspace/main.h:
