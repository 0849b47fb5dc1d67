// Reads the companion computer's health: CPU load and temperature, memory, disk, network rates,
// this process's RSS. The only file that touches systeminformation.
import si from 'systeminformation';

export interface HealthReading {
  cpuLoadPct?: number;
  cpuTempC?: number;
  memUsedBytes?: number;
  memTotalBytes?: number;
  diskUsedBytes?: number;
  diskTotalBytes?: number;
  netRxBytesS?: number;
  netTxBytesS?: number;
  processRssBytes: number;
}

/** Each part is read on its own: a machine without a temperature sensor still reports the rest. */
export async function readHealth(diskPath: string): Promise<HealthReading> {
  const [load, temp, mem, disks, net] = await Promise.allSettled([si.currentLoad(), si.cpuTemperature(), si.mem(), si.fsSize(), si.networkStats()]);
  const reading: HealthReading = { processRssBytes: process.memoryUsage().rss };
  if (load.status === 'fulfilled' && Number.isFinite(load.value.currentLoad)) reading.cpuLoadPct = load.value.currentLoad;
  if (temp.status === 'fulfilled' && typeof temp.value.main === 'number' && temp.value.main > -273) reading.cpuTempC = temp.value.main;
  if (mem.status === 'fulfilled') {
    reading.memTotalBytes = mem.value.total;
    reading.memUsedBytes = mem.value.total - mem.value.available;
  }
  if (disks.status === 'fulfilled') {
    const disk = disks.value
      .filter((d) => diskPath === d.mount || diskPath.startsWith(d.mount.endsWith('/') ? d.mount : `${d.mount}/`))
      .sort((a, b) => b.mount.length - a.mount.length)[0];
    if (disk) {
      reading.diskTotalBytes = disk.size;
      reading.diskUsedBytes = disk.used;
    }
  }
  if (net.status === 'fulfilled') {
    const rx = net.value.reduce((n, i) => n + (i.rx_sec ?? 0), 0);
    const tx = net.value.reduce((n, i) => n + (i.tx_sec ?? 0), 0);
    if (Number.isFinite(rx)) reading.netRxBytesS = rx;
    if (Number.isFinite(tx)) reading.netTxBytesS = tx;
  }
  return reading;
}
