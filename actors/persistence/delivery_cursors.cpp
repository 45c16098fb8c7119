// The writer's mirror of delivery cursors (see delivery_cursors.hpp).
#include "actors/persistence/delivery_cursors.hpp"

#include <algorithm>

namespace parley {

void delivery_cursors::load_backlog(persistence::store& db) {
  if (shared_) return; // every push queries: see share_database
  auto users = db.users_with_undelivered();
  if (!users) return;
  backlog_at_start_.insert(users->begin(), users->end());
  backlog_loaded_ = true;
}

caf::expected<message_id> delivery_cursors::cursor(persistence::store& db,
                                                   user_id user,
                                                   const std::string& device) {
  auto key = device_key{user, device};
  if (auto i = cursors_.find(key); i != cursors_.end()) return i->second;
  auto stored = db.open_device(user, device);
  if (stored) cursors_.emplace(std::move(key), *stored);
  return stored;
}

bool delivery_cursors::may_lack(user_id user, message_id cursor) const {
  if (!backlog_loaded_ || backlog_at_start_.count(user) > 0) return true;
  auto newest = newest_to_.find(user);
  return newest != newest_to_.end() && newest->second > cursor;
}

caf::expected<push_page> delivery_cursors::page(persistence::store& db,
                                                user_id user,
                                                const std::string& device,
                                                message_id after,
                                                std::size_t rows) {
  if (shared_ && queued_.count(device_key{user, device}) == 0)
    cursors_.erase(device_key{user, device}); // read it afresh
  auto at = cursor(db, user, device);
  if (!at) return std::move(at.error());
  if (after == no_resume) after = *at;
  if (!may_lack(user, after)) return push_page{*at, {}};
  auto found = db.messages_to(user, after, rows);
  if (!found) return std::move(found.error());
  if (found->size() < rows) {
    // The end of the user's messages: from now on the newest id is known.
    auto& newest = newest_to_[user];
    newest = std::max(newest, found->empty() ? after : found->back().id);
    backlog_at_start_.erase(user);
  }
  return push_page{*at, std::move(*found)};
}

caf::expected<bool> delivery_cursors::mark(persistence::store& db, user_id user,
                                           const std::string& device,
                                           message_id base,
                                           message_id through) {
  auto at = cursor(db, user, device);
  if (!at) return std::move(at.error());
  // The stream proves nothing below its base; an old mark changes nothing.
  if (*at < base || *at >= through) return false;
  auto key = device_key{user, device};
  auto [queued, added] = queued_.emplace(key, std::make_pair(*at, through));
  if (!added) queued->second.second = through; // chains from the last step
  cursors_[key] = through;
  return true;
}

std::vector<persistence::delivery_mark> delivery_cursors::take_marks() {
  std::vector<persistence::delivery_mark> marks;
  marks.reserve(queued_.size());
  for (const auto& [key, step] : queued_)
    marks.push_back({key.first, key.second, step.first, step.second});
  queued_.clear();
  return marks;
}

void delivery_cursors::give_back(
    const std::vector<persistence::delivery_mark>& marks) {
  for (const auto& mark : marks) {
    auto key = device_key{mark.user, mark.device};
    auto [queued, added] =
        queued_.emplace(key, std::make_pair(mark.base, mark.through));
    // A step queued since chains from this one's end: it starts here now.
    if (!added) queued->second.first = mark.base;
  }
}

void delivery_cursors::note_stored(user_id user, message_id id) {
  auto& newest = newest_to_[user];
  newest = std::max(newest, id);
}

void delivery_cursors::forget(user_id user) {
  auto first = cursors_.lower_bound(device_key{user, std::string{}});
  auto last = first;
  while (last != cursors_.end() && last->first.first == user)
    ++last;
  cursors_.erase(first, last);
}

} // namespace parley
