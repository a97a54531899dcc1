# STAND-IN (nixpkgs stand-in, not NixOS) for update-users-groups.pl: sourced by the activation
# script. Adds missing groups/users/members to /etc/group, /etc/passwd, /etc/shadow. Never removes
# or rewrites existing entries (documented gap). Ids are allocated from the free ones: system
# 999 down to 400, normal users 1000 up.

standin_id_taken() { # FILE ID
  awk -F: -v id="$2" '$3 == id { found = 1 } END { exit found ? 0 : 1 }' "$1"
}

standin_alloc_id() { # FILE SYSTEM(0|1)
  local id
  if [ "$2" = 1 ]; then
    id=999; while standin_id_taken "$1" "$id"; do id=$((id - 1)); done
  else
    id=1000; while standin_id_taken "$1" "$id"; do id=$((id + 1)); done
  fi
  echo "$id"
}

standin_ensure_group() { # NAME GID MEMBERS(comma separated)
  local name=$1 gid=$2 members=$3 m
  touch /etc/group
  if ! grep -q "^$name:" /etc/group; then
    if [ -z "$gid" ] || standin_id_taken /etc/group "$gid"; then
      [ -n "$gid" ] && echo "warning: gid $gid of group $name is taken; allocating another" >&2
      gid=$(standin_alloc_id /etc/group 1)
    fi
    echo "$name:x:$gid:" >>/etc/group
    if [ -e /etc/gshadow ]; then echo "$name:!::" >>/etc/gshadow; fi
    echo "created group $name ($gid)"
  fi
  local IFS=,
  for m in $members; do
    [ -n "$m" ] || continue
    awk -F: -v OFS=: -v g="$name" -v m="$m" '
      $1 == g { n = split($4, a, ","); has = 0; for (i = 1; i <= n; i++) if (a[i] == m) has = 1;
                if (!has) $4 = ($4 == "" ? m : $4 "," m) }
      { print }' /etc/group >/etc/group.standin-tmp && cat /etc/group.standin-tmp >/etc/group && rm -f /etc/group.standin-tmp
  done
}

standin_ensure_user() { # NAME UID GROUP DESC HOME SHELL SYSTEM CREATEHOME HOMEMODE HASH
  local name=$1 uid=$2 group=$3 desc=$4 home=$5 shell=$6 system=$7 createHome=$8 homeMode=$9 hash=${10}
  touch /etc/passwd
  local gid
  gid=$(awk -F: -v g="$group" '$1 == g { print $3; exit }' /etc/group)
  if [ -z "$gid" ]; then echo "error: group $group of user $name does not exist" >&2; return 1; fi
  if ! grep -q "^$name:" /etc/passwd; then
    if [ -z "$uid" ] || standin_id_taken /etc/passwd "$uid"; then
      [ -n "$uid" ] && echo "warning: uid $uid of user $name is taken; allocating another" >&2
      uid=$(standin_alloc_id /etc/passwd "$system")
    fi
    echo "$name:x:$uid:$gid:$desc:$home:$shell" >>/etc/passwd
    if [ -e /etc/shadow ] && ! grep -q "^$name:" /etc/shadow; then
      echo "$name:$hash:1::::::" >>/etc/shadow
    fi
    echo "created user $name ($uid)"
  fi
  if [ "$createHome" = 1 ] && [ ! -d "$home" ]; then
    uid=$(awk -F: -v u="$name" '$1 == u { print $3; exit }' /etc/passwd)
    mkdir -p "$home"
    chown "$uid:$gid" "$home"
    chmod "$homeMode" "$home"
  fi
}
