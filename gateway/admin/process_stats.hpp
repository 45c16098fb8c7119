// The standard process_* metrics, read from /proc when scraped.
#pragma once

#include "gateway/admin/prometheus_text.hpp"

namespace parley::admin {

/// Writes process_cpu_seconds_total, process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_open_fds, process_max_fds and
/// process_start_time_seconds; what cannot be read is left out.
void write_process_metrics(prometheus_text& out);

} // namespace parley::admin
