import { DashboardBuilder, MappingType, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { BigValueColorMode, BigValueGraphMode, GraphDrawStyle, ReduceDataOptionsBuilder, StackingConfigBuilder, StackingMode, VisibilityMode } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { MEASUREMENTS } from '@shelfwatch/contracts';
import { INTERVAL, STORE, where } from '../filters.js';
import { influx } from '../influx-query.js';
import { COLOR, steps } from '../style.js';
import { storeVariable } from '../variables.js';

const M = MEASUREMENTS;

export function devicesDashboard(): Dashboard {
  return new DashboardBuilder('ShelfWatch — Devices and gateway')
    .uid('shelfwatch-devices')
    .tags(['shelfwatch', 'devices'])
    .description('Is every device talking, are batteries fine, and is the gateway keeping up (rejects, outbox, write rates)?')
    .editable()
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .withVariable(storeVariable())
    .withRow(new RowBuilder('Devices'))
    .withPanel(
      new TablePanel()
        .title('Last seen per device')
        .description('Time of the latest reading from each device in the selected range (one query per kind of device).')
        .withTarget(influx(`SELECT last("raw_counts") AS "raw_counts" FROM "${M.shelfWeight}" ${where(STORE)} GROUP BY "device"`, 'A').table())
        .withTarget(influx(`SELECT last("confidence") AS "confidence" FROM "${M.cameraSlot}" ${where(STORE)} GROUP BY "device"`, 'B').table())
        .withTarget(influx(`SELECT last("battery_pct") AS "battery_pct" FROM "${M.probeTemperature}" ${where(STORE)} GROUP BY "probe"`, 'C').table())
        .withTarget(influx(`SELECT last("air_temp_c") AS "air_temp_c" FROM "${M.caseController}" ${where(STORE)} GROUP BY "controller"`, 'D').table())
        .withTransformation({ id: 'merge', options: {} })
        .withTransformation({
          id: 'organize',
          options: { renameByName: { Time: 'last seen', device: 'device', probe: 'probe', controller: 'controller' } },
        })
        .height(10)
        .span(12),
    )
    .withPanel(
      new StatPanel()
        .title('Devices offline')
        .description('Devices whose latest status (retained MQTT status / last will, or OPC UA session) says offline.')
        .unit('short')
        .decimals(0)
        .noValue('0')
        .thresholds(steps(COLOR.ok, [1, COLOR.bad]))
        .colorMode(BigValueColorMode.Background)
        .graphMode(BigValueGraphMode.None)
        .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
        .withTarget(
          influx(
            `SELECT count("online") FROM (SELECT last("online") AS "online" FROM "${M.deviceStatus}" ${where(STORE)} GROUP BY "store", "device") WHERE "online" = false`,
          ).alias('offline'),
        )
        .height(5)
        .span(12),
    )
    .withPanel(
      new StateTimelinePanel()
        .title('Device online status')
        .mappings([
          {
            type: MappingType.ValueToText,
            options: {
              true: { text: 'online', color: COLOR.ok, index: 0 },
              false: { text: 'offline', color: COLOR.bad, index: 1 },
            },
          },
        ])
        .showValue(VisibilityMode.Never)
        .withTarget(
          influx(`SELECT last("online") FROM "${M.deviceStatus}" ${where(STORE)} GROUP BY ${INTERVAL}, "device" fill(previous)`).alias('$tag_device'),
        )
        .height(5)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Probe battery')
        .unit('percent')
        .min(0)
        .max(100)
        .thresholds(steps(COLOR.bad, [20, COLOR.warn], [40, COLOR.ok]))
        .withTarget(
          influx(`SELECT last("battery_pct") FROM "${M.probeTemperature}" ${where(STORE)} GROUP BY ${INTERVAL}, "probe" fill(none)`).alias(
            '$tag_probe',
          ),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Probe radio signal')
        .unit('dBm')
        .thresholds(steps(COLOR.bad, [-100, COLOR.warn], [-85, COLOR.ok]))
        .withTarget(
          influx(`SELECT mean("rssi_dbm") FROM "${M.probeTemperature}" ${where(STORE)} GROUP BY ${INTERVAL}, "probe" fill(none)`).alias('$tag_probe'),
        )
        .height(8)
        .span(12),
    )
    .withRow(new RowBuilder('Gateway'))
    .withPanel(
      new TimeseriesPanel()
        .title('Rejected frames and payloads by reason')
        .description(
          'Rate of inputs the gateway rejected (bad checksum, schema, unknown device, a device clock out of bounds: ts_ahead / ts_too_old, an oversized MQTT packet: packet_too_large, ...), per input and reason (gateway_stats.rejected, a counter).',
        )
        .unit('short')
        .decimals(0)
        .drawStyle(GraphDrawStyle.Bars)
        .fillOpacity(80)
        .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
        .interval('1m')
        .withTarget(
          influx(
            `SELECT non_negative_difference(max("rejected")) FROM "${M.gatewayStats}" ${where(STORE)} GROUP BY ${INTERVAL}, "gateway", "input", "reason" fill(none)`,
          ).alias('$tag_input: $tag_reason'),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Dead letters by sink and reason')
        .description(
          'Readings a sink gave up on and kept in the gateway\'s dead_letters table: refused (the sink rejects the reading itself, e.g. an event time out of bounds) or poison (the sink kept failing on that reading alone while the readings around it got through). Anything here needs a look; the rest of the store keeps flowing (gateway_stats.dead_lettered, a counter).',
        )
        .unit('short')
        .decimals(0)
        .min(0)
        .drawStyle(GraphDrawStyle.Bars)
        .fillOpacity(80)
        .stacking(new StackingConfigBuilder().mode(StackingMode.Normal))
        .interval('1m')
        .thresholds(steps(COLOR.ok, [1, COLOR.bad]))
        .withTarget(
          influx(
            `SELECT non_negative_difference(max("dead_lettered")) FROM "${M.gatewayStats}" ${where(STORE)} GROUP BY ${INTERVAL}, "gateway", "sink", "reason" fill(none)`,
          ).alias('$tag_sink: $tag_reason'),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Outbox depth')
        .description('Readings durable in the gateway outbox but not yet acknowledged by each sink.')
        .unit('short')
        .decimals(0)
        .min(0)
        .thresholds(steps(COLOR.ok, [1000, COLOR.warn], [100000, COLOR.bad]))
        .withTarget(
          influx(`SELECT max("outbox_depth") FROM "${M.gatewayStats}" ${where(STORE)} GROUP BY ${INTERVAL}, "gateway", "sink" fill(none)`).alias(
            '$tag_sink',
          ),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Outbox age')
        .description('Age of the oldest reading each sink has not yet acknowledged: how far behind it is.')
        .unit('s')
        .min(0)
        .thresholds(steps(COLOR.ok, [60, COLOR.warn], [900, COLOR.bad]))
        .withTarget(
          influx(`SELECT max("outbox_age_s") FROM "${M.gatewayStats}" ${where(STORE)} GROUP BY ${INTERVAL}, "gateway", "sink" fill(none)`).alias(
            '$tag_sink',
          ),
        )
        .height(8)
        .span(12),
    )
    .withPanel(
      new TimeseriesPanel()
        .title('Write rates')
        .description('Readings per second the gateway delivered to each sink (gateway_stats.written, a counter) and points per second stored per measurement.')
        .unit('wps')
        .min(0)
        .interval('1m')
        .withTarget(
          influx(
            `SELECT non_negative_derivative(max("written"), 1s) FROM "${M.gatewayStats}" ${where(STORE)} GROUP BY ${INTERVAL}, "gateway", "sink" fill(none)`,
            'A',
          ).alias('delivered to $tag_sink'),
        )
        .withTarget(influx(`SELECT count("raw_counts") / 60 FROM "${M.shelfWeight}" ${where(STORE)} GROUP BY time(1m) fill(0)`, 'B').alias('stored: shelf_weight'))
        .withTarget(influx(`SELECT count("facings") / 60 FROM "${M.cameraSlot}" ${where(STORE)} GROUP BY time(1m) fill(0)`, 'C').alias('stored: camera_slot'))
        .withTarget(
          influx(`SELECT count("battery_pct") / 60 FROM "${M.probeTemperature}" ${where(STORE)} GROUP BY time(1m) fill(0)`, 'D').alias('stored: probe_temperature'),
        )
        .withTarget(
          influx(`SELECT count("air_temp_c") / 60 FROM "${M.caseController}" ${where(STORE)} GROUP BY time(1m) fill(0)`, 'E').alias('stored: case_controller air'),
        )
        .height(8)
        .span(12),
    )
    .build();
}
