// A small SVG line chart writer: panels side by side, each with axes, ticks, a grid and one polyline per series,
// and a legend. Numbers are printed with fixed decimals, so the file is the same bytes wherever it is made.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace storm::svg {

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y)
  bool dashed = false;
  int color = -1;  // an index into the palette; -1: the series' own index
};

struct Panel {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
  double y_min = 0;  // the y axis starts here; its top is a round number above the largest value
};

inline std::string fixed(double v, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

inline std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `ticks` intervals over [0, span].
inline double nice_step(double span, int ticks) {
  if (!(span > 0)) return 1;
  const double raw = span / ticks;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * power) return m * power;
  return 10 * power;
}

// Tick labels: whole numbers when the step is whole, otherwise enough decimals for the step.
inline std::string tick_label(double v, double step) {
  if (step >= 1) return fixed(v, 0);
  const int decimals = static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  return fixed(v, decimals);
}

inline const char* color(const Series& se, std::size_t index) {
  static const char* palette[] = {"#d62728", "#9467bd", "#2ca02c", "#1f77b4", "#7f7f7f", "#ff7f0e", "#17becf"};
  const std::size_t i = se.color >= 0 ? static_cast<std::size_t>(se.color) : index;
  return palette[i % (sizeof palette / sizeof palette[0])];
}

// Panels side by side, sharing one legend (the series names of the first panel) below them.
inline std::string chart(const std::string& title, const std::vector<Panel>& panels) {
  const double pw = 460, ph = 340;                                 // a panel's plot box
  const double ml = 70, mr = 20, mt = 50, mb = 50, legend_h = 30;  // margins around each plot box
  const double width = static_cast<double>(panels.size()) * (ml + pw + mr);
  double legend_rows = 1, row_x = ml;
  if (!panels.empty())
    for (const Series& se : panels[0].series) {
      const double entry = 40 + 8.0 * static_cast<double>(se.name.size()) + 20;
      if (row_x > ml && row_x + entry > width) {
        row_x = ml;
        ++legend_rows;
      }
      row_x += entry;
    }
  const double height = mt + ph + mb + legend_h * legend_rows + 10;
  std::string s;
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fixed(width, 0) + "\" height=\"" + fixed(height, 0) +
       "\" viewBox=\"0 0 " + fixed(width, 0) + " " + fixed(height, 0) +
       "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + fixed(width / 2) + "\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">" + escape(title) +
       "</text>\n";
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const Panel& panel = panels[p];
    const double ox = static_cast<double>(p) * (ml + pw + mr) + ml, oy = mt;
    double x_min = 1e300, x_max = -1e300, y_max = panel.y_min;
    for (const Series& se : panel.series)
      for (auto [x, y] : se.points) {
        x_min = std::min(x_min, x);
        x_max = std::max(x_max, x);
        y_max = std::max(y_max, y);
      }
    if (x_min > x_max) x_min = 0, x_max = 1;
    if (x_max == x_min) x_max = x_min + 1;
    const double y_step = nice_step(y_max - panel.y_min, 6);
    const double y_top = panel.y_min + std::ceil((y_max - panel.y_min) / y_step - 1e-9) * y_step;
    const double y_span = y_top > panel.y_min ? y_top - panel.y_min : 1;
    const double x_step = nice_step(x_max - x_min, 8);
    const auto px = [&](double x) { return ox + (x - x_min) / (x_max - x_min) * pw; };
    const auto py = [&](double y) { return oy + ph - (y - panel.y_min) / y_span * ph; };

    s += "<g>\n<text x=\"" + fixed(ox + pw / 2) + "\" y=\"" + fixed(oy - 12) +
         "\" text-anchor=\"middle\" font-size=\"13\">" + escape(panel.title) + "</text>\n";
    // The grid and the y ticks.
    for (double y = panel.y_min; y <= y_top + y_step * 1e-6; y += y_step) {
      s += "<line x1=\"" + fixed(ox) + "\" y1=\"" + fixed(py(y)) + "\" x2=\"" + fixed(ox + pw) + "\" y2=\"" +
           fixed(py(y)) + "\" stroke=\"#e0e0e0\"/>\n";
      s += "<text x=\"" + fixed(ox - 6) + "\" y=\"" + fixed(py(y) + 4) + "\" text-anchor=\"end\">" +
           tick_label(y, y_step) + "</text>\n";
    }
    for (double x = std::ceil(x_min / x_step - 1e-9) * x_step + 0.0; x <= x_max + x_step * 1e-6; x += x_step) {
      s += "<line x1=\"" + fixed(px(x)) + "\" y1=\"" + fixed(oy + ph) + "\" x2=\"" + fixed(px(x)) + "\" y2=\"" +
           fixed(oy + ph + 5) + "\" stroke=\"black\"/>\n";
      s += "<text x=\"" + fixed(px(x)) + "\" y=\"" + fixed(oy + ph + 18) + "\" text-anchor=\"middle\">" +
           tick_label(x, x_step) + "</text>\n";
    }
    s += "<rect x=\"" + fixed(ox) + "\" y=\"" + fixed(oy) + "\" width=\"" + fixed(pw) + "\" height=\"" + fixed(ph) +
         "\" fill=\"none\" stroke=\"black\"/>\n";
    s += "<text x=\"" + fixed(ox + pw / 2) + "\" y=\"" + fixed(oy + ph + 36) + "\" text-anchor=\"middle\">" +
         escape(panel.x_label) + "</text>\n";
    s += "<text transform=\"translate(" + fixed(ox - 52) + "," + fixed(oy + ph / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + escape(panel.y_label) + "</text>\n";
    for (std::size_t k = 0; k < panel.series.size(); ++k) {
      const Series& se = panel.series[k];
      s += "<polyline fill=\"none\" stroke=\"" + std::string(color(se, k)) + "\" stroke-width=\"2\"";
      if (se.dashed) s += " stroke-dasharray=\"6,4\"";
      s += " points=\"";
      for (std::size_t i = 0; i < se.points.size(); ++i) {
        if (i) s += ' ';
        s += fixed(px(se.points[i].first)) + "," + fixed(py(se.points[i].second));
      }
      s += "\"><title>" + escape(se.name) + "</title></polyline>\n";
    }
    s += "</g>\n";
  }
  if (!panels.empty()) {
    double x = ml;
    double y = mt + ph + mb + 15;
    for (std::size_t k = 0; k < panels[0].series.size(); ++k) {
      const Series& se = panels[0].series[k];
      const double entry = 40 + 8.0 * static_cast<double>(se.name.size()) + 20;
      if (x > ml && x + entry > width) {  // the next row
        x = ml;
        y += 20;
      }
      s += "<line x1=\"" + fixed(x) + "\" y1=\"" + fixed(y - 4) + "\" x2=\"" + fixed(x + 24) + "\" y2=\"" +
           fixed(y - 4) + "\" stroke=\"" + color(se, k) + "\" stroke-width=\"2\"" +
           (se.dashed ? " stroke-dasharray=\"6,4\"" : "") + "/>\n";
      s += "<text x=\"" + fixed(x + 30) + "\" y=\"" + fixed(y) + "\">" + escape(se.name) + "</text>\n";
      x += entry;
    }
  }
  s += "</svg>\n";
  return s;
}

}  // namespace storm::svg
