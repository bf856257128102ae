import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { BigValueColorMode, BigValueGraphMode, GraphDrawStyle, StackingMode, StackingConfigBuilder, ReduceDataOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { MEASUREMENTS, RETENTION } from '@shelfwatch/contracts';
import { AISLE, INTERVAL, STORE, where } from '../filters.js';
import { influx } from '../influx-query.js';
import { COLOR, steps } from '../style.js';
import { aisleVariable, storeVariable } from '../variables.js';

const M = MEASUREMENTS;
const lastValue = () => new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);

const availabilityThresholds = () => steps(COLOR.bad, [90, COLOR.warn], [97, COLOR.ok]);

/** Counts per interval as stacked bars, one colour per series. */
function countBars(title: string) {
  return new TimeseriesPanel().title(title).unit('short').decimals(0).drawStyle(GraphDrawStyle.Bars).fillOpacity(80).stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
}

function taskDuration(event: 'acknowledged' | 'done', title: string, description: string) {
  return new TimeseriesPanel()
    .title(title)
    .description(description)
    .unit('s')
    .drawStyle(GraphDrawStyle.Points)
    .pointSize(6)
    .withTarget(
      influx(
        `SELECT mean("seconds_since_raised") FROM "${M.taskEvent}" ${where(STORE, `"event" = '${event}'`)} GROUP BY ${INTERVAL}, "kind" fill(none)`,
      ).alias('$tag_kind'),
    )
    .height(8)
    .span(12);
}

export function storeOperationsDashboard(): Dashboard {
  return new DashboardBuilder('ShelfWatch — Store operations')
    .uid('shelfwatch-store-operations')
    .tags(['shelfwatch', 'operations'])
    .description('Shelf availability, planogram compliance and the work it creates for staff.')
    .editable()
    .time({ from: 'now-12h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .withVariable(storeVariable())
    .withVariable(aisleVariable())
    .withRow(new RowBuilder('Shelves'))
    .withPanel(
      new StatPanel()
        .title('On-shelf availability')
        .description('Share of planogram slots with stock, latest minute, over the selected aisles (kpi_availability, written by the backend).')
        .unit('percent')
        .min(0)
        .max(100)
        .decimals(1)
        .thresholds(availabilityThresholds())
        .colorMode(BigValueColorMode.Background)
        .graphMode(BigValueGraphMode.Area)
        .reduceOptions(lastValue())
        .withTarget(
          influx(
            `SELECT 100 * (1 - sum("oos") / sum("slots")) AS "on_shelf_pct" FROM (SELECT last("oos_slots") AS "oos", last("slots") AS "slots" FROM "${M.kpiAvailability}" ${where(STORE, AISLE)} GROUP BY ${INTERVAL}, "store", "aisle") GROUP BY ${INTERVAL} fill(none)`,
          ).alias('on-shelf availability'),
        )
        .height(6)
        .span(6),
    )
    .withPanel(
      new StatPanel()
        .title('Out-of-stock slots')
        .description('Slots empty right now, over the selected aisles.')
        .unit('short')
        .decimals(0)
        .thresholds(steps(COLOR.ok, [1, COLOR.warn], [5, COLOR.bad]))
        .colorMode(BigValueColorMode.Value)
        .graphMode(BigValueGraphMode.Area)
        .reduceOptions(lastValue())
        .withTarget(
          influx(
            `SELECT sum("oos") FROM (SELECT last("oos_slots") AS "oos" FROM "${M.kpiAvailability}" ${where(STORE, AISLE)} GROUP BY ${INTERVAL}, "store", "aisle") GROUP BY ${INTERVAL} fill(none)`,
          ).alias('out-of-stock slots'),
        )
        .height(6)
        .span(6),
    )
    .withPanel(
      new StatPanel()
        .title('Planogram compliance')
        .description('Share of slots holding the planned product with the planned facings, mean over shelves (kpi_compliance).')
        .unit('percent')
        .min(0)
        .max(100)
        .decimals(1)
        .thresholds(steps(COLOR.bad, [85, COLOR.warn], [95, COLOR.ok]))
        .colorMode(BigValueColorMode.Background)
        .graphMode(BigValueGraphMode.Area)
        .reduceOptions(lastValue())
        .withTarget(
          influx(`SELECT mean("compliance_pct") FROM "${M.kpiCompliance}" ${where(STORE)} GROUP BY ${INTERVAL} fill(none)`).alias(
            'planogram compliance',
          ),
        )
        .height(6)
        .span(6),
    )
    .withPanel(
      new BarGaugePanel()
        .title('Open tasks by kind')
        .description('Tasks open or acknowledged now (kpi_open_tasks).')
        .unit('short')
        .decimals(0)
        .min(0)
        .thresholds(steps(COLOR.ok, [1, COLOR.warn], [10, COLOR.bad]))
        .reduceOptions(lastValue())
        .withTarget(
          influx(`SELECT last("open") FROM "${M.kpiOpenTasks}" ${where(STORE)} GROUP BY ${INTERVAL}, "kind" fill(previous)`).alias('$tag_kind'),
        )
        .height(6)
        .span(6),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('On-shelf availability by aisle')
        .unit('percent')
        .min(0)
        .max(100)
        .thresholds(availabilityThresholds())
        .withTarget(
          influx(`SELECT mean("on_shelf_pct") FROM "${M.kpiAvailability}" ${where(STORE, AISLE)} GROUP BY ${INTERVAL}, "aisle" fill(none)`).alias(
            'aisle $tag_aisle',
          ),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      countBars('Out-of-stock slots by aisle')
        .withTarget(
          influx(`SELECT max("oos_slots") FROM "${M.kpiAvailability}" ${where(STORE, AISLE)} GROUP BY ${INTERVAL}, "aisle" fill(none)`).alias(
            'aisle $tag_aisle',
          ),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Planogram compliance by shelf')
        .unit('percent')
        .min(0)
        .max(100)
        .thresholds(steps(COLOR.bad, [85, COLOR.warn], [95, COLOR.ok]))
        .withTarget(
          influx(`SELECT mean("compliance_pct") FROM "${M.kpiCompliance}" ${where(STORE)} GROUP BY ${INTERVAL}, "shelf" fill(none)`).alias(
            'shelf $tag_shelf',
          ),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('On-shelf availability, 30 days (trend)')
        .description('15-minute means kept 180 days in the "trend" retention policy (continuous query kpi_availability_15m).')
        .unit('percent')
        .min(0)
        .max(100)
        .timeFrom('30d')
        .interval('15m')
        .thresholds(availabilityThresholds())
        .withTarget(
          influx(
            `SELECT mean("on_shelf_pct") FROM "${RETENTION.trend.name}"."kpi_availability_15m" ${where(STORE, AISLE)} GROUP BY ${INTERVAL}, "aisle" fill(none)`,
          ).alias('aisle $tag_aisle'),
        )
        .height(8)
        .span(12),
    )
    .withRow(new RowBuilder('Sell-out forecast'))
    .withPanel(
      new TimeseriesPanel()
        .title('Units on the shelf: forecast an hour ahead vs actual')
        .description(
          'Solid: units on the shelf (kpi_slot_forecast.units, slots whose forecast has enough sales behind it). Dashed: what the forecast expected for that moment an hour earlier (units_forecast_1h, stamped when due). Restocks jump the actual line; the forecast does not know of them.',
        )
        .unit('short')
        .min(0)
        .withTarget(influx(`SELECT mean("units") FROM "${M.kpiSlotForecast}" ${where(STORE, AISLE)} GROUP BY ${INTERVAL}, "slot" fill(none)`).alias('$tag_slot actual'))
        .withTarget(
          influx(`SELECT mean("units_forecast_1h") FROM "${M.kpiSlotForecast}" ${where(STORE, AISLE)} GROUP BY ${INTERVAL}, "slot" fill(none)`, 'B').alias(
            '$tag_slot forecast',
          ),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      new BarGaugePanel()
        .title('Time to empty by slot (latest)')
        .description('Minutes until each slot is more likely empty than not at its current pace and the store\'s time-of-day pattern (kpi_slot_forecast.minutes_to_empty). Slots not expected to run empty within a day are not shown.')
        .unit('m')
        .min(0)
        .max(240)
        .thresholds(steps(COLOR.bad, [30, COLOR.warn], [90, COLOR.ok]))
        .reduceOptions(lastValue())
        .withTarget(
          influx(`SELECT last("minutes_to_empty") FROM "${M.kpiSlotForecast}" ${where(STORE, AISLE)} GROUP BY "slot"`).alias('$tag_slot'),
        )
        .height(8)
        .span(12),
    )
    .withRow(new RowBuilder('Tasks'))
    .withPanel(
      new TimeseriesPanel()
        .title('Open tasks by kind over time')
        .unit('short')
        .decimals(0)
        .fillOpacity(40)
        .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
        .withTarget(
          influx(`SELECT last("open") FROM "${M.kpiOpenTasks}" ${where(STORE)} GROUP BY ${INTERVAL}, "kind" fill(previous)`).alias('$tag_kind'),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      countBars('Tasks raised by kind')
        .withTarget(
          influx(`SELECT sum("count") FROM "${M.taskEvent}" ${where(STORE, `"event" = 'raised'`)} GROUP BY ${INTERVAL}, "kind" fill(none)`).alias(
            '$tag_kind',
          ),
        )
        .height(8)
        .span(12),
    )
    .withPanel(taskDuration('acknowledged', 'Time to acknowledge', 'Seconds from raised to acknowledged, per acknowledged task (task_event).'))
    .withPanel(taskDuration('done', 'Time to done', 'Seconds from raised to done, per task closed by staff (task_event).'))
    .build();
}
