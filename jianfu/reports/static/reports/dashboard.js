/* The statistics dashboard: draws the charts from the JSON the page embeds
   (json_script), and makes every chart element open the items behind it.
   No inline script or style, so a strict Content-Security-Policy works. */
(function () {
  "use strict";

  function drill(params) {
    var data = window.jianfuDashboard;
    var query = new URLSearchParams({ period: data.period });
    Object.keys(params).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== "") query.set(k, params[k]);
    });
    window.location.href = data.drill + "?" + query.toString();
  }

  function month(year, index) {
    return year + "-" + String(index + 1).padStart(2, "0");
  }

  var PALETTE = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272"];
  var FONT = '"Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var charts = [];

  function make(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: FONT };
    option.animation = false;
    chart.setOption(option);
    if (onClick) chart.on("click", onClick);
    charts.push(chart);
    return chart;
  }

  function empty(id, text) {
    return make(id, {
      title: { text: text, left: "center", top: "middle", textStyle: { color: "#57606a", fontSize: 14 } },
      xAxis: { show: false }, yAxis: { show: false }, series: []
    });
  }

  function draw(data) {
    var y = data.year;
    // monthly trend by kind: stacked bars this year, a line for last year's total
    var kindSeries = data.trend_kind.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "kinds", data: s.data, kind: s.kind };
    });
    kindSeries.push({ name: (y - 1) + "年合计", type: "line", data: data.trend_kind.last_year, lastYear: true });
    make("chart-trend-kind", {
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: "事项数" },
      series: kindSeries
    }, function (p) {
      var s = kindSeries[p.seriesIndex];
      if (s.lastYear) drill({ figure: "items", month: month(y - 1, p.dataIndex), which: "previous" });
      else drill({ figure: "items", kind: s.kind, month: month(y, p.dataIndex) });
    });

    if (data.trend_dept.length) {
      make("chart-trend-dept", {
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", top: 0 },
        grid: { left: 40, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value", name: "事项数" },
        // Each department twice: this year (solid) and last year (dashed, same colour).
        series: data.trend_dept.reduce(function (acc, d, i) {
          var colour = PALETTE[i % PALETTE.length];
          acc.push({ name: d.name, type: "line", data: d.data, issuer: d.issuer, color: colour });
          acc.push({ name: d.name + "（" + (y - 1) + "）", type: "line", data: d.last_year, issuer: d.issuer,
                     lastYear: true, color: colour, lineStyle: { type: "dashed" }, symbol: "emptyCircle" });
          return acc;
        }, [])
      }, function (p) {
        var d = data.trend_dept[Math.floor(p.seriesIndex / 2)];
        if (p.seriesIndex % 2) drill({ figure: "items", issuer: d.issuer, month: month(y - 1, p.dataIndex), which: "previous" });
        else drill({ figure: "items", issuer: d.issuer, month: month(y, p.dataIndex) });
      });
    } else {
      empty("chart-trend-dept", "本年度暂无下发事项");
    }

    if (data.heat.values.length) {
      make("chart-heat", {
        tooltip: { position: "top", formatter: function (p) {
          return data.heat.units[p.value[1]] + " · " + data.heat.kinds[p.value[0]] + "：" + p.value[2] + " 小时";
        } },
        grid: { left: 130, right: 20, top: 10, bottom: 70 },
        xAxis: { type: "category", data: data.heat.kinds, splitArea: { show: true } },
        yAxis: { type: "category", data: data.heat.units, inverse: true, splitArea: { show: true } },
        visualMap: { min: 0, max: data.heat.max || 1, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                     inRange: { color: ["#fff5f0", "#fb6a4a", "#a50f15"] } },
        series: [{ type: "heatmap", data: data.heat.values, label: { show: true, fontSize: 10 } }]
      }, function (p) {
        drill({ figure: "burden_hours", unit: data.heat.unit_ids[p.value[1]], kind: data.heat.kind_codes[p.value[0]] });
      });
    } else {
      empty("chart-heat", "本期暂无负担工时");
    }

    if (data.top_units.length) {
      var top = data.top_units.slice().reverse();
      make("chart-top", {
        tooltip: {},
        grid: { left: 110, right: 30, top: 10, bottom: 30 },
        xAxis: { type: "value", name: "小时" },
        yAxis: { type: "category", data: top.map(function (u) { return u.name; }) },
        series: [{ type: "bar", data: top.map(function (u) { return u.hours; }), itemStyle: { color: "#b3261e" } }]
      }, function (p) { drill({ figure: "burden_hours", unit: top[p.dataIndex].id }); });
    } else {
      empty("chart-top", "本期暂无负担工时");
    }

    if (data.findings.length) {
      var f = data.findings.slice().reverse();
      make("chart-findings", {
        tooltip: {},
        grid: { left: 150, right: 30, top: 10, bottom: 30 },
        xAxis: { type: "value", name: "事项数", minInterval: 1 },
        yAxis: { type: "category", data: f.map(function (r) { return r.name; }) },
        series: [{ type: "bar", data: f.map(function (r) { return r.count; }), itemStyle: { color: "#d08c2e" } }]
      }, function (p) { drill({ figure: "finding:" + f[p.dataIndex].code }); });
    } else {
      empty("chart-findings", "本期前置审核未发现问题");
    }

    make("chart-funnel", {
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", left: "10%", width: "80%", sort: "none", minSize: "10%",
                 label: { formatter: "{b}：{c}" }, data: data.funnel }]
    }, function (p) {
      var step = data.funnel[p.dataIndex];
      if (step.figure) drill({ figure: step.figure });
      else if (data.channel_url) window.location.href = data.channel_url;
    });

    if (data.quota.length) {
      make("chart-quota", {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 20, top: 40, bottom: 80 },
        xAxis: { type: "category", data: data.quota.map(function (q) { return q.name; }), axisLabel: { rotate: 30 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: "已用", type: "bar", data: data.quota.map(function (q) {
              return { value: q.used, itemStyle: { color: q.over ? "#b3261e" : "#2f6f9f" } };
            }) },
          { name: "年度总量", type: "line", data: data.quota.map(function (q) { return q.quota; }) }
        ]
      }, function (p) {
        var q = data.quota[p.dataIndex];
        drill({ figure: "quota", issuer: q.issuer, kind: q.kind });
      });
    } else {
      empty("chart-quota", "本年度尚未设定年度总量");
    }
  }

  function init() {
    var node = document.getElementById("dashboard-data");
    if (node) {
      window.jianfuDashboard = JSON.parse(node.textContent);
      draw(window.jianfuDashboard);
      window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
      window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
    }
    document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  }

  // Draw once the CJK web font is there: ECharts measures label widths when it draws,
  // and measuring with a fallback font makes legends overlap.
  function start() {
    if (document.fonts && document.fonts.load) {
      document.fonts.load('12px "Noto Sans SC"', "减负").then(init, init);
    } else {
      init();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
