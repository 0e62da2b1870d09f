sub check_limits { return 'yes'; }
1;
