// What both pollers' main()s share besides the fetch: the command line (examples/api_poller.cpp's header comment
// lists the options), the progress lines, the crawl's bookkeeping, and the end of a run (posts.json and the summary,
// or the missing pages; the --metrics-file).
#pragma once

#include <cstdio>
#include <filesystem>
#include <grit/prometheus.hpp>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "poller.hpp"

namespace poller {

struct Options {
  std::string url, dir;
  int limit = 10, pages = 1000, attempts = 5, metrics_port = 0;
  double timeout = 60, backoff_initial = 0.5, backoff_max = 8, jitter = 1, read_timeout = 10, delay = 0.2;
  std::string metrics_file;
  bool await_scrape = false;
};

// --key=value arguments into `o` (whose values are the defaults); false on an unknown or malformed one, or without
// --url and --checkpoint-dir.
inline bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto eq = arg.find('=');
    const std::string_view key = arg.substr(0, eq);
    const std::string value(eq == std::string_view::npos ? "" : arg.substr(eq + 1));
    try {
      if (key == "--url")
        o.url = value;
      else if (key == "--checkpoint-dir")
        o.dir = value;
      else if (key == "--limit")
        o.limit = std::stoi(value);
      else if (key == "--pages")
        o.pages = std::stoi(value);
      else if (key == "--attempts")
        o.attempts = std::stoi(value);
      else if (key == "--timeout")
        o.timeout = std::stod(value);
      else if (key == "--backoff-initial")
        o.backoff_initial = std::stod(value);
      else if (key == "--backoff-max")
        o.backoff_max = std::stod(value);
      else if (key == "--jitter")
        o.jitter = std::stod(value);
      else if (key == "--read-timeout")
        o.read_timeout = std::stod(value);
      else if (key == "--delay")
        o.delay = std::stod(value);
      else if (key == "--metrics-port")
        o.metrics_port = std::stoi(value);
      else if (key == "--metrics-file")
        o.metrics_file = value;
      else if (key == "--await-scrape" && eq == std::string_view::npos)
        o.await_scrape = true;
      else
        return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return !o.url.empty() && !o.dir.empty() && o.limit > 0 && o.pages > 0;
}

inline void log_line(const std::string& pairs) {  // one whole line, one write
  const std::string line = "level=info logger=poller " + pairs + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

// The crawl's bookkeeping, the same in both pollers (only the fetch differs): a page with a valid checkpoint is read
// back instead of fetched; a fetched page is saved before the next one starts; a page that fails is reported and
// skipped, and the next run fetches only what is missing. Each step logs its line.
class Crawl {
 public:
  explicit Crawl(const Checkpoints& checkpoints) : checkpoints_(checkpoints) {}

  // True when an earlier run fetched the page (then nothing is fetched); else the fetch begins.
  bool resumed(int page) {
    std::string why;
    if (const auto saved = checkpoints_.load(page, &why)) {
      total_ += saved->size();
      log_line("event=page_resumed page=" + std::to_string(page) + " posts=" + std::to_string(saved->size()));
      return true;
    }
    if (!why.empty()) log_line("event=checkpoint_invalid page=" + std::to_string(page) + " reason=\"" + why + "\"");
    log_line("event=page_fetch page=" + std::to_string(page));
    return false;
  }
  // A page given up on (transient) or never retried (404, malformed, another 4xx). False when the crawl stops:
  // five pages in a row failed, the API is down, and the next run goes on from here.
  bool failed(int page, bool transient, const std::string& error) {
    log_line(std::string("event=page_failed page=") + std::to_string(page) +
             (transient ? " retried=true" : " retried=false") + " error=\"" + error + "\"");
    missing_.push_back(page);
    return ++failed_in_a_row_ < 5;
  }
  // A page fetched, saved before moving on (a crash from here on loses nothing). False at the end: an empty page.
  bool fetched(int page, const nlohmann::json& posts) {
    failed_in_a_row_ = 0;
    if (posts.empty()) {
      log_line("event=done page=" + std::to_string(page) + " msg=\"No more pages.\"");
      return false;
    }
    checkpoints_.save(page, posts);
    total_ += posts.size();
    log_line("event=page_saved page=" + std::to_string(page) + " posts=" + std::to_string(posts.size()) +
             " total=" + std::to_string(total_));
    return true;
  }
  const std::vector<int>& missing() const noexcept { return missing_; }

 private:
  const Checkpoints& checkpoints_;
  std::vector<int> missing_;
  std::size_t total_ = 0;
  int failed_in_a_row_ = 0;
};

// The end of a run: the missing pages (status 2), or DIR/posts.json and the summary (0); then the --metrics-file.
inline int finish_run(const Options& o, const Checkpoints& checkpoints, const std::vector<int>& missing) {
  int status = 0;
  if (!missing.empty()) {
    std::string pages;
    for (int p : missing) pages += (pages.empty() ? "" : ",") + std::to_string(p);
    log_line("event=incomplete missing=" + pages + " msg=\"run again to fetch them\"");
    status = 2;
  } else {
    nlohmann::json all = nlohmann::json::array();
    for (int page = 1;; ++page) {
      const auto saved = checkpoints.load(page);
      if (!saved) break;
      all.insert(all.end(), saved->begin(), saved->end());
    }
    write_atomically(checkpoints.dir() / "posts.json", all.dump(1) + "\n");
    std::cout << "Fetched " << all.size() << " posts total\n";
    if (!all.empty()) {
      std::cout << "First post title: " << all.front()["title"].get<std::string>() << '\n';
      std::cout << "Last post title: " << all.back()["title"].get<std::string>() << '\n';
    }
  }
  if (!o.metrics_file.empty()) write_atomically(o.metrics_file, grit::prometheus::default_registry().text());
  return status;
}

}  // namespace poller
