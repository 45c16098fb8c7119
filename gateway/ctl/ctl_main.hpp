// `parley ctl ...`: the operators' command line, a subcommand of the node's
// own binary (gateway/main.cpp hands it the arguments after "ctl").
#pragma once

namespace parley::ctl {

/// Runs ctl; returns the exit status (0 done, 1 no answer, 2 usage).
int run_ctl(int argc, char** argv);

} // namespace parley::ctl
