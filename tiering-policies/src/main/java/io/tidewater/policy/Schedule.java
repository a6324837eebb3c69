package io.tidewater.policy;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * When a policy's export job runs: a Quartz cron expression (seconds first, as Quarkus's scheduler
 * reads it, e.g. {@code 0 0/15 * * * ?}), evaluated in UTC.
 */
public record Schedule(String cron) {

  private static final CronParser QUARTZ =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

  /** Every five minutes: cheap, since a run with no window due does nothing. */
  public static final Schedule DEFAULT = new Schedule("0 0/5 * * * ?");

  public Schedule {
    parse(cron);
  }

  private static Cron parse(String cron) {
    try {
      return QUARTZ.parse(cron).validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'"
              + cron
              + "' is not a Quartz cron expression (seconds minutes hours"
              + " day-of-month month day-of-week, e.g. \"0 0/15 * * * ?\"): "
              + e.getMessage(),
          e);
    }
  }

  /** The first run strictly after {@code after}, if the expression ever fires again. */
  public Optional<Instant> nextRunAfter(Instant after) {
    return ExecutionTime.forCron(parse(cron))
        .nextExecution(after.atZone(ZoneOffset.UTC))
        .map(t -> t.toInstant());
  }
}
