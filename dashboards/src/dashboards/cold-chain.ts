import { AnnotationQueryBuilder, DashboardBuilder, RowBuilder, MappingType } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard, ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  BigValueColorMode,
  BigValueGraphMode,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  ReduceDataOptionsBuilder,
  VisibilityMode,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { MEASUREMENTS, RETENTION } from '@shelfwatch/contracts';
import { DATASOURCE_REF } from '../datasource.js';
import { CASE, INTERVAL, STORE, where } from '../filters.js';
import { influx } from '../influx-query.js';
import { LIMITS, PLANT_WARN_PCT } from '../limits.js';
import { COLOR, steps } from '../style.js';
import { caseVariable, storeVariable } from '../variables.js';

const M = MEASUREMENTS;

/** Dashed lines at both categories' limit and ceiling (see limits.ts for why both). */
const limitLines = () =>
  steps(
    COLOR.ok,
    [LIMITS.frozen.limitC, COLOR.warn],
    [LIMITS.frozen.ceilingC, COLOR.bad],
    [LIMITS.chilled.limitC, COLOR.warn],
    [LIMITS.chilled.ceilingC, COLOR.bad],
  );

function booleanStates(trueText: string, trueColor: string, falseText: string, falseColor: string): ValueMapping[] {
  return [
    {
      type: MappingType.ValueToText,
      options: {
        true: { text: trueText, color: trueColor, index: 0 },
        false: { text: falseText, color: falseColor, index: 1 },
        '1': { text: trueText, color: trueColor, index: 2 },
        '0': { text: falseText, color: falseColor, index: 3 },
      },
    },
  ];
}

export function coldChainDashboard(): Dashboard {
  return new DashboardBuilder('ShelfWatch — Cold chain')
    .uid('shelfwatch-cold-chain')
    .tags(['shelfwatch', 'cold-chain', 'haccp'])
    .description('Refrigerated cases: air and product temperatures against their limits, defrost and door periods, excursions.')
    .editable()
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .timezone('browser')
    .withVariable(storeVariable())
    .withVariable(caseVariable())
    .annotation(stateAnnotation('Defrost started', 'defrost', COLOR.info))
    .annotation(stateAnnotation('Door opened', 'door_open', COLOR.warn))
    .withRow(new RowBuilder('Now'))
    .withPanel(
      new StatPanel()
        .title('Cases in alarm')
        .description('Cases whose temperature excursion alarm is raised (kpi_case.in_alarm, last value per case and interval); the big number is the latest interval.')
        .unit('short')
        .decimals(0)
        .thresholds(steps(COLOR.ok, [1, COLOR.bad]))
        .colorMode(BigValueColorMode.Background)
        .graphMode(BigValueGraphMode.Area)
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
        .noValue('0')
        .withTarget(
          influx(
            `SELECT count("alarm") FROM (SELECT last("in_alarm") AS "alarm" FROM "${M.kpiCase}" ${where(STORE, CASE)} GROUP BY ${INTERVAL}, "store", "case") ${where(`"alarm" = true`)} GROUP BY ${INTERVAL} fill(0)`,
          ).alias('cases in alarm'),
        )
        .height(6)
        .span(6),
    )
    .withPanel(
      new BarGaugePanel()
        .title('Time above limit')
        .description('Cumulative minutes each case spent above its product limit, outside defrost and door recovery (kpi_case).')
        .unit('m')
        .min(0)
        .thresholds(steps(COLOR.ok, [1, COLOR.warn], [30, COLOR.bad]))
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['max']))
        .withTarget(
          influx(`SELECT max("minutes_above_limit") FROM "${M.kpiCase}" ${where(STORE, CASE)} GROUP BY ${INTERVAL}, "case" fill(none)`).alias(
            '$tag_case',
          ),
        )
        .height(6)
        .span(9),
    )
    .withPanel(caseFlagTimeline('Alarm state', 'in_alarm', booleanStates('ALARM', COLOR.bad, 'ok', COLOR.ok)).height(6).span(9))
    .withRow(new RowBuilder('Cases'))
    .withPanel(
      new TimeseriesPanel()
        .title('Case $case: temperatures')
        .description(
          'Controller air, probes (air and product) and the setpoint. Dashed lines: chilled limit 5 °C / ceiling 8 °C, frozen -18 °C / -15 °C. Markers: defrost started (blue), door opened (orange); periods in the panel below.',
        )
        .repeat('case')
        .repeatDirection('h')
        .maxPerRow(2)
        .unit('celsius')
        .decimals(1)
        .thresholds(limitLines())
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
        .spanNulls(600_000)
        .withTarget(
          influx(`SELECT mean("air_temp_c") FROM "${M.caseController}" ${where(STORE, CASE)} GROUP BY ${INTERVAL} fill(none)`, 'A').alias(
            'controller air',
          ),
        )
        .withTarget(
          influx(
            `SELECT mean("temp_c") FROM "${M.probeTemperature}" ${where(STORE, CASE)} GROUP BY ${INTERVAL}, "placement", "probe" fill(none)`,
            'B',
          ).alias('$tag_placement probe $tag_probe'),
        )
        .withTarget(
          influx(`SELECT last("setpoint_c") FROM "${M.caseController}" ${where(STORE, CASE)} GROUP BY ${INTERVAL} fill(previous)`, 'C').alias(
            'setpoint',
          ),
        )
        .overrideByName('setpoint', [
          { id: 'custom.lineStyle', value: { fill: 'dash', dash: [4, 4] } },
          { id: 'color', value: { mode: 'fixed', fixedColor: 'gray' } },
        ])
        .height(10)
        .span(12),
    )
    .withRow(new RowBuilder('Refrigeration plant'))
    .withPanel(
      new TimeseriesPanel()
        .title('Cooling capacity against the case’s own normal')
        .description(
          `Capacity of each case's latest clean compressor cycles (air pulled down while running plus the heat coming in) as a share of the normal it learned from its own history (kpi_case.capacity_pct_of_normal). At ${PLANT_WARN_PCT} % or below the technician gets a refrigeration-maintenance task, hours before the product warms. Empty while a case is still learning (12 clean cycles over 6 h).`,
        )
        .unit('percent')
        .min(0)
        .decimals(0)
        .thresholds(steps(COLOR.bad, [PLANT_WARN_PCT, COLOR.ok]))
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
        .withTarget(
          influx(`SELECT mean("capacity_pct_of_normal") FROM "${M.kpiCase}" ${where(STORE, CASE)} GROUP BY ${INTERVAL}, "case" fill(none)`).alias('$tag_case'),
        )
        .height(8)
        .span(9),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Compressor duty cycle')
        .description('Share of time the compressor ran over each case’s latest clean cycles (kpi_case.duty_pct). Warm afternoons raise it; a rising duty cycle at the same heat load is a plant losing capacity.')
        .unit('percent')
        .min(0)
        .max(100)
        .decimals(0)
        .withTarget(influx(`SELECT mean("duty_pct") FROM "${M.kpiCase}" ${where(STORE, CASE)} GROUP BY ${INTERVAL}, "case" fill(none)`).alias('$tag_case'))
        .height(8)
        .span(9),
    )
    .withPanel(
      caseFlagTimeline('Refrigeration service needed', 'service_needed', booleanStates('SERVICE', COLOR.warn, 'ok', COLOR.ok))
        .description('While a refrigeration-maintenance finding stands for the case (kpi_case.service_needed).')
        .height(8)
        .span(6),
    )
    .withRow(new RowBuilder('Events'))
    .withPanel(
      new StateTimelinePanel()
        .title('Defrost, door and compressor')
        .mappings([
          {
            type: MappingType.ValueToText,
            options: {
              true: { text: 'on', color: COLOR.info, index: 0 },
              false: { text: 'off', color: COLOR.off, index: 1 },
            },
          },
        ])
        .showValue(VisibilityMode.Never)
        .withTarget(
          influx(`SELECT last("defrost") FROM "${M.caseController}" ${where(STORE, CASE)} GROUP BY ${INTERVAL}, "case" fill(previous)`, 'A').alias(
            '$tag_case defrost',
          ),
        )
        .withTarget(
          influx(`SELECT last("door_open") FROM "${M.caseController}" ${where(STORE, CASE)} GROUP BY ${INTERVAL}, "case" fill(previous)`, 'B').alias(
            '$tag_case door open',
          ),
        )
        .withTarget(
          influx(`SELECT last("compressor") FROM "${M.caseController}" ${where(STORE, CASE)} GROUP BY ${INTERVAL}, "case" fill(previous)`, 'C').alias(
            '$tag_case compressor',
          ),
        )
        .height(8)
        .span(24),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Product temperature, 5-minute audit record')
        .description('Min / mean / max per 5 minutes from the "audit" retention policy (kept 800 days; continuous query probe_temperature_5m). The HACCP report is built from the same series.')
        .unit('celsius')
        .decimals(1)
        .interval('5m')
        .thresholds(limitLines())
        .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
        .withTarget(
          influx(
            `SELECT min("temp_c_min") AS "min", mean("temp_c_mean") AS "mean", max("temp_c_max") AS "max" FROM "${RETENTION.audit.name}"."probe_temperature_5m" ${where(STORE, CASE, `"placement" = 'product'`)} GROUP BY ${INTERVAL}, "case" fill(none)`,
          ).alias('$tag_case $col'),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Minutes above limit')
        .unit('m')
        .min(0)
        .thresholds(steps(COLOR.ok, [1, COLOR.warn], [30, COLOR.bad]))
        .withTarget(
          influx(`SELECT max("minutes_above_limit") FROM "${M.kpiCase}" ${where(STORE, CASE)} GROUP BY ${INTERVAL}, "case" fill(previous)`).alias(
            '$tag_case',
          ),
        )
        .height(8)
        .span(12),
    )
    .build();
}

/** A per-case true/false of kpi_case over time. */
function caseFlagTimeline(title: string, field: string, mappings: ValueMapping[]): StateTimelinePanel {
  return new StateTimelinePanel()
    .title(title)
    .mappings(mappings)
    .showValue(VisibilityMode.Never)
    .withTarget(influx(`SELECT last("${field}") FROM "${M.kpiCase}" ${where(STORE, CASE)} GROUP BY ${INTERVAL}, "case" fill(previous)`).alias('$tag_case'));
}

/** Defrost starts and door openings as annotations on every time panel (the controller
 *  writes a point on each change, so a `true` point is the moment it started). */
function stateAnnotation(name: string, field: string, color: string): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name(name)
    .datasource({ ...DATASOURCE_REF })
    .enable(true)
    .iconColor(color)
    .tagKeys('case')
    .textFormat(`${name}: case {{case}}`)
    .target(influx(`SELECT "${field}", "case" FROM "${M.caseController}" ${where(STORE, CASE, `"${field}" = true`)}`).table());
}
