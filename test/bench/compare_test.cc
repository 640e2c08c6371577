// compare's CPU probes (/proc parsing, cores between samples) and the --scaling verdict.
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bench/compare/cpu_probe.h"
#include "bench/compare/verdict.h"

namespace aero::bench {
namespace {

TEST(CpuProbe, ProcessTicksFromStat) {
  // utime 150 and stime 25 are fields 14 and 15; the name holds a space and a ')'.
  const std::string stat =
      "4242 (a b) c) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 25 0 0 20 0 3 0 100 0 0\n";
  EXPECT_EQ(process_ticks_from_stat(stat), 175);
  EXPECT_EQ(process_ticks_from_stat(""), -1);
  EXPECT_EQ(process_ticks_from_stat("4242 (x) S 1 2 3"), -1);                     // too short
  EXPECT_EQ(process_ticks_from_stat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 9x 1 0"), -1);  // not a number
}

TEST(CpuProbe, MachineTicksFromStat) {
  long long busy = 0, total = 0;
  // user nice system idle iowait irq softirq steal guest guest_nice
  ASSERT_TRUE(
      machine_ticks_from_stat("cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 1 2 3\n", &busy, &total));
  EXPECT_EQ(total, 980);
  EXPECT_EQ(busy, 160);
  EXPECT_FALSE(machine_ticks_from_stat("cpu0 1 2 3 4 5 6 7 8\n", &busy, &total));
  EXPECT_FALSE(machine_ticks_from_stat("cpu  1 2 3\n", &busy, &total));
}

TEST(CpuProbe, BusyBetween) {
  CpuSample before{10.0, 1000, 500, 2000};
  CpuSample after{12.0, 1190, 800, 2400};  // 190 ticks in 2 s; 300 of 400 machine ticks busy
  const CpuBusy b = busy_between(before, after, 100, 2);
  EXPECT_DOUBLE_EQ(b.wall_s, 2.0);
  EXPECT_DOUBLE_EQ(b.server_cores, 0.95);
  EXPECT_DOUBLE_EQ(b.machine_cores, 1.5);
  // No watched process: no server figure.
  before.process_ticks = after.process_ticks = -1;
  EXPECT_LT(busy_between(before, after, 100, 2).server_cores, 0);
}

TEST(CpuProbe, ReadsItsOwnProcess) {
  const CpuProbe probe(getpid());
  const CpuSample before = probe.sample();
  EXPECT_GE(before.process_ticks, 0);
  EXPECT_GT(before.machine_total, 0);
  volatile double x = 0;
  for (int i = 0; i < 20000000; ++i) x = x + i;  // some CPU
  const CpuBusy b = probe.busy_since(before);
  EXPECT_GT(b.wall_s, 0);
  EXPECT_GE(b.server_cores, 0);
  EXPECT_LE(b.server_cores, 1.5);  // one thread; slack for the tick granularity
  EXPECT_GE(b.machine_cores, 0);
  EXPECT_GE(CpuProbe::cores(), 1);
}

TEST(Verdict, ServerIsTheBottleneck) {
  const std::vector<ScalingPoint> points = {
      {1, 40000, 0.40, 0.97, 1.40}, {2, 30000, 0.70, 0.98, 1.70}, {4, 29000, 0.80, 0.98, 1.80}};
  EXPECT_EQ(scaling_verdict(points, 1, 4),
            "the server used 0.97 of its 1 loop's core at 1 loop: it is the bottleneck; "
            "throughput against 1 loop: 2 loops 0.75x, 4 loops 0.72x");
}

TEST(Verdict, MachineIsTheBottleneck) {
  const std::vector<ScalingPoint> points = {{1, 40000, 0.60, 0.70, 1.35},
                                            {2, 50000, 1.00, 0.96, 1.98}};
  EXPECT_EQ(scaling_verdict(points, 2, 2),
            "client + server used 1.96 of 2 cores at 2 loops: the machine is the bottleneck; "
            "throughput against 1 loop: 2 loops 1.25x");
}

TEST(Verdict, BothAtOnce) {
  const std::vector<ScalingPoint> points = {{1, 40000, 0.95, 0.95, 1.95}};
  EXPECT_EQ(scaling_verdict(points, 1, 2),
            "the server used 0.95 of its 1 loop's core at 1 loop: it is the bottleneck; "
            "client + server used 1.90 of 2 cores at 1 loop: the machine is the bottleneck");
}

TEST(Verdict, OtherProcessesFillTheMachine) {
  const std::vector<ScalingPoint> points = {{1, 40000, 0.40, 0.50, 1.95},
                                            {2, 44000, 0.50, 0.55, 1.97}};
  EXPECT_EQ(scaling_verdict(points, 1, 2),
            "the machine was 1.95 of 2 cores busy at 1 loop (client + server 0.90, the rest "
            "other processes): the machine is the bottleneck, shared with other work; throughput "
            "against 1 loop: "
            "2 loops 1.10x");
}

TEST(Verdict, NeitherSaturated) {
  const std::vector<ScalingPoint> points = {
      {1, 10000, 0.30, 0.30, 0.7}, {2, 19000, 0.60, 0.55, 1.2}, {4, 30000, 0.90, 0.80, 1.8}};
  EXPECT_EQ(scaling_verdict(points, 4, 8),
            "neither the server (at most 0.80 of its 4 loops' 4 cores) nor the machine (client + "
            "server at most 1.70 of 8 cores) was saturated: throughput grew 3.00x from 1 loop "
            "to 4 loops (2 loops 1.90x, 4 loops 3.00x)");
}

TEST(Verdict, ExternalServer) {
  const std::vector<ScalingPoint> points = {{1, 10000, 0.30, -1, 0.4}, {2, 9000, 0.35, -1, 0.5}};
  EXPECT_EQ(scaling_verdict(points, 0, 2),
            "the machine was not saturated (the client at most 0.35 of 2 cores): throughput did "
            "not grow, 0.90x from 1 loop to 2 loops");
  EXPECT_EQ(scaling_verdict({}, 1, 2), "");
}

TEST(Median, OddEvenAndEmpty) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median({}), 0);
}

TEST(GoalVerdict, EveryRoundNoneOrSome) {
  EXPECT_EQ(goal_verdict({1.02, 1.04, 1.03}, 1.05, GoalKind::at_most),
            "1.03x (median; rounds 1.02-1.04): met");
  EXPECT_EQ(goal_verdict({1.09, 1.06, 1.12, 1.07}, 1.05, GoalKind::at_most),
            "1.08x (median; rounds 1.06-1.12): not met");
  EXPECT_EQ(goal_verdict({1.07, 1.04, 1.11, 1.05, 1.08}, 1.05, GoalKind::at_most),
            "1.07x (median; rounds 1.04-1.11): met in 2 of 5 rounds");
}

TEST(GoalVerdict, AtMostCountsTheGoalItselfBelowDoesNot) {
  EXPECT_EQ(goal_verdict({1.00}, 1.00, GoalKind::at_most), "1.00x: met");
  EXPECT_EQ(goal_verdict({1.00}, 1.00, GoalKind::below), "1.00x: not met");
  EXPECT_EQ(goal_verdict({0.96, 1.00}, 1.00, GoalKind::below),
            "0.98x (median; rounds 0.96-1.00): met in 1 of 2 rounds");
  EXPECT_EQ(goal_verdict({}, 1.00, GoalKind::below), "no rounds");
}

}  // namespace
}  // namespace aero::bench
