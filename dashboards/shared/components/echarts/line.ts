/** ECharts with line series and a legend (time series). */
import { LineChart } from 'echarts/charts';
import { LegendComponent } from 'echarts/components';
import { echarts } from './base';

echarts.use([LineChart, LegendComponent]);
export { echarts };
