"""The editions of 《党政领导干部选拔任用工作条例》, named once for every rule that cites it (appointments, teams).

regulations.md §6: editions 2002, 2014 and 2019 (March). The 2014 edition was issued by 中共中央 on 2014-01-14
and took effect on issue; the 2019 edition is treated as in force from 2019-03-03 (the date given for it; not
checked against the official text).
"""

import datetime as dt

SELECTION = "《党政领导干部选拔任用工作条例》"
IN_FORCE_2014 = dt.date(2014, 1, 14)
IN_FORCE_2019 = dt.date(2019, 3, 3)
TENURE = "《党政领导干部职务任期暂行规定》"
