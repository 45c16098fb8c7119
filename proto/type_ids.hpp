// The one CAF type-ID block of Parley: every type that travels in a message.
// Register with `cfg.add_message_types<caf::id_block::parley>()`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/type_id.hpp>

#include "proto/actor_interfaces.hpp"
#include "proto/admin.hpp"
#include "proto/cluster.hpp"
#include "proto/domain.hpp"
#include "proto/shared_frame.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(parley, caf::first_custom_type_id)

// Domain values (persistence ↔ actors ↔ gateway).
CAF_ADD_TYPE_ID(parley, (parley::chat_message))
CAF_ADD_TYPE_ID(parley, (parley::user_record))
CAF_ADD_TYPE_ID(parley, (parley::account))
CAF_ADD_TYPE_ID(parley, (parley::stream_options))
CAF_ADD_TYPE_ID(parley, (parley::receipt))
CAF_ADD_TYPE_ID(parley, (std::vector<parley::receipt>))
CAF_ADD_TYPE_ID(parley, (parley::conversation_summary))
CAF_ADD_TYPE_ID(parley, (std::vector<parley::conversation_summary>))
CAF_ADD_TYPE_ID(parley, (std::vector<parley::chat_message>))
CAF_ADD_TYPE_ID(parley, (std::vector<std::int64_t>))

// Cluster membership (membership → peers).
CAF_ADD_TYPE_ID(parley, (parley::cluster_member))
CAF_ADD_TYPE_ID(parley, (std::vector<parley::cluster_member>))

// Outbound frames (user → session).
CAF_ADD_TYPE_ID(parley, (parley::shared_frame))

// Actor handles that travel in messages.
CAF_ADD_TYPE_ID(parley, (parley::session_actor))
CAF_ADD_TYPE_ID(parley, (parley::user_actor))
CAF_ADD_TYPE_ID(parley, (parley::registry_actor))

// Operators' view (session → user → admin; peers → admin). Appended, so
// that the IDs above stay those of earlier builds in a rolling upgrade.
CAF_ADD_TYPE_ID(parley, (parley::connection_info))
CAF_ADD_TYPE_ID(parley, (std::vector<std::string>))

// The web client's search, presence and typing (appended, as above).
CAF_ADD_TYPE_ID(parley, (std::vector<parley::user_record>))
CAF_ADD_TYPE_ID(parley, (parley::typing_notice))

CAF_END_TYPE_ID_BLOCK(parley)
