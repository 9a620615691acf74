/** ECharts with bar series. */
import { BarChart } from 'echarts/charts';
import { echarts } from './base';

echarts.use([BarChart]);
export { echarts };
