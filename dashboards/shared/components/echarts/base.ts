/**
 * ECharts core with what every chart needs: grid, tooltip, the accessibility (aria) component,
 * canvas, and the Dozor theme. Each chart type registers its own series in `echarts/<type>.ts`,
 * so a page loads only the chart types it draws (each one its own lazily loaded chunk).
 */
import { AriaComponent, GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([GridComponent, TooltipComponent, AriaComponent, CanvasRenderer]);

/** One theme for every chart: the design tokens' palette. */
echarts.registerTheme('dozor', {
  color: ['#1f5fbf', '#c2581c', '#2f8f4e', '#7b4bc2', '#c2364f', '#15849a', '#c99a06', '#56657a', '#6b7d1f', '#8a8f98'],
  textStyle: { fontFamily: "'Inter', 'Segoe UI', 'Roboto', 'PT Sans', Arial, sans-serif", color: '#1c2430' },
});

export { echarts };
