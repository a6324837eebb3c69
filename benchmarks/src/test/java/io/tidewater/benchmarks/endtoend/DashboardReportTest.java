package io.tidewater.benchmarks.endtoend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's table is written from results without a server (its format once failed a run). */
class DashboardReportTest {

  @Test
  void theReportIsWrittenFromResults() {
    DashboardReport.PanelResult hot =
        new DashboardReport.PanelResult(
            DashboardPanel.values()[0], new double[] {1.2, 1.4}, new double[] {1.0, 1.1}, null);
    String md = DashboardReport.markdown(List.of(hot), 20, 91, 5_000_000, 2, 1);
    assertTrue(md.contains("| " + DashboardPanel.values()[0].label), md);
    assertTrue(md.contains("20,000 or a minute's (hot)"), md);
  }
}
