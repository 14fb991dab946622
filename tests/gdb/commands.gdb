# gdb -batch script for run-gdb.sh: the expected lines are checked there.
set pagination off
set confirm off
target remote 127.0.0.1:@PORT@
break tick
continue
printf "at-tick eip=%#x\n", $eip
printf "cs=%#x ds=%#x ss=%#x cs_base=%#x\n", $cs, $ds, $ss, $cs_base
printf "ecx=%d\n", $ecx
info registers eflags
x/1wx &counter
printf "st0=%f fctrl=%#x\n", $st0, $fctrl
stepi
printf "after-stepi eip=%#x eax=%#x\n", $eip, $eax
set var *(int *)&counter = 0x40
delete
watch *(int *)&counter
continue
printf "watch eip=%#x counter=%#x\n", $eip, *(int *)&counter
delete
monitor info jit
monitor info tb 0x@TICK@
continue
