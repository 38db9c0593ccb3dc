// CPrefetch is its header (include/CPrefetch.h); SwiftPM needs a source file to build the target.
#include "CPrefetch.h"
