# gnuplot saturation.gp (in the directory of saturation.csv) -> saturation.png
set terminal pngcairo size 900,600
set output 'saturation.png'
set datafile separator ','
set key top left
set xlabel 'workers W'
set ylabel 'predicted throughput / throughput at W = 1'
set title 'Async parameter-server SGD, NB201 all nor\_conv\_3x3, 20 GFLOP/s workers (hwnas sgd-predict)'
set grid
plot [1:64][0:] x title 'linear' dashtype 2 lc rgb 'gray', \
     'saturation.csv' using 1:3 with linespoints pt 7 ps 0.5 title 'communication-heavy: batch 32, 100 Mbit/s server link', \
     'saturation.csv' using 1:6 with linespoints pt 5 ps 0.5 title 'compute-heavy: batch 256, 1 Gbit/s server link'
